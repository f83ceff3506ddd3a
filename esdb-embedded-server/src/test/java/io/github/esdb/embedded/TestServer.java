package io.github.esdb.embedded;

import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.github.esdb.embedded.store.EventStore;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded server and its clients for the lifetime of a test class. Register it as a static field with
 * {@code @RegisterExtension}: the server starts before the first test; after the last one the clients are shut down
 * and the server is stopped, even when one of those steps fails, so no server or client threads outlive the class.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback {

	private static final long SHUTDOWN_SECONDS = 10;

	private final UnaryOperator<EmbeddedEsdbServer.Builder> configuration;

	private EmbeddedEsdbServer server;

	private KurrentDBClient client;

	private KurrentDBPersistentSubscriptionsClient persistent;

	/** A server with the default settings. */
	public TestServer() {
		this(UnaryOperator.identity());
	}

	/**
	 * A server built with extra settings.
	 * @param configuration applied to a fresh builder, e.g. {@code (b) -> b.maxAppendSize(4096)}
	 */
	public TestServer(UnaryOperator<EmbeddedEsdbServer.Builder> configuration) {
		this.configuration = configuration;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = this.configuration.apply(EmbeddedEsdbServer.builder()).build().start();
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		try {
			if (this.persistent != null) {
				this.persistent.shutdown().get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
			}
		}
		finally {
			try {
				if (this.client != null) {
					this.client.shutdown().get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
				}
			}
			finally {
				if (this.server != null) {
					this.server.stop();
				}
				this.persistent = null;
				this.client = null;
				this.server = null;
			}
		}
	}

	/**
	 * The running server.
	 * @return the server
	 */
	public EmbeddedEsdbServer embedded() {
		return this.server;
	}

	/**
	 * The server's store.
	 * @return the store
	 */
	public EventStore store() {
		return this.server.store();
	}

	/**
	 * The bound port.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * The connection string of the server.
	 * @return the connection string
	 */
	public String connectionString() {
		return this.server.connectionString();
	}

	/**
	 * The client connected to the server.
	 * @return the client
	 */
	public KurrentDBClient client() {
		return this.client;
	}

	/**
	 * The persistent subscriptions client, created on first use.
	 * @return the client
	 */
	public synchronized KurrentDBPersistentSubscriptionsClient persistent() {
		if (this.persistent == null) {
			this.persistent = KurrentDBPersistentSubscriptionsClient
				.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
		}
		return this.persistent;
	}

}
