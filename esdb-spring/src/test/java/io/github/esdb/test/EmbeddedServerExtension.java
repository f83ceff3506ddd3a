package io.github.esdb.test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.github.esdb.embedded.EmbeddedEsdbServer;

/**
 * An embedded server over real TCP for a test class, with a client of its own: register it as a static
 * {@code @RegisterExtension} field.
 */
public final class EmbeddedServerExtension implements BeforeAllCallback, AfterAllCallback {

	private EmbeddedEsdbServer server;

	private KurrentDBClient client;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		try {
			this.client.shutdown().get(5, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			// A test that failed may leave a subscription open; the server's close ends it.
		}
		finally {
			this.server.close();
		}
	}

	/**
	 * The server.
	 * @return the running server
	 */
	public EmbeddedEsdbServer server() {
		return this.server;
	}

	/**
	 * A client connected to the server.
	 * @return the client
	 */
	public KurrentDBClient client() {
		return this.client;
	}

	/**
	 * Append small JSON events of type {@code Tick}, one call each.
	 * @param stream the stream
	 * @param count how many
	 * @throws Exception if an append fails
	 */
	public void appendTicks(String stream, int count) throws Exception {
		for (int i = 0; i < count; i++) {
			this.client
				.appendToStream(stream, EventData.builderAsJson("Tick", ("{\"n\":" + i + "}").getBytes()).build())
				.get(5, TimeUnit.SECONDS);
		}
	}

}
