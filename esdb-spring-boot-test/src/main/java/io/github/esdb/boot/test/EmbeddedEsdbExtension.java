package io.github.esdb.boot.test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.github.esdb.embedded.EmbeddedEsdbServer;

/**
 * An embedded server and a client connected to it over TCP, for JUnit 5 tests without Spring.
 * <ul>
 * <li>On a {@code static} {@code @RegisterExtension} field, or with {@code @ExtendWith}: one server for the test
 * class, started before the first test and stopped after the last. {@link #resetBeforeEach()} clears it before
 * every test.</li>
 * <li>On an instance {@code @RegisterExtension} field: a fresh server for every test.</li>
 * </ul>
 * Test and lifecycle methods may take an {@link EmbeddedEsdbServer} or a {@link KurrentDBClient} parameter.
 *
 * <pre class="code">
 * class OrdersTests {
 *
 *     &#64;RegisterExtension
 *     static final EmbeddedEsdbExtension esdb = new EmbeddedEsdbExtension().resetBeforeEach();
 *
 *     &#64;Test
 *     void appends(KurrentDBClient client) throws Exception {
 *         client.appendToStream("orders-1", EventData.builderAsJson("OrderPlaced", json).build()).get();
 *     }
 *
 * }
 * </pre>
 */
public class EmbeddedEsdbExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private boolean resetBeforeEach;

	private @Nullable EmbeddedEsdbServer server;

	private @Nullable KurrentDBClient client;

	private boolean perTest;

	/**
	 * Clear the server ({@link EmbeddedEsdbServer#reset()}) before every test, when it is shared by the test class.
	 * @return this extension
	 */
	public EmbeddedEsdbExtension resetBeforeEach() {
		this.resetBeforeEach = true;
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.server == null) {
			this.perTest = true;
			start();
		}
		else if (this.resetBeforeEach && !this.perTest) {
			this.server.reset();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		if (this.perTest) {
			stop();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		stop();
	}

	private void start() {
		EmbeddedEsdbServer started = EmbeddedEsdbServer.builder().port(0).build().start();
		this.server = started;
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(started.connectionString()));
	}

	private void stop() throws InterruptedException, ExecutionException {
		KurrentDBClient current = this.client;
		EmbeddedEsdbServer running = this.server;
		this.client = null;
		this.server = null;
		try {
			if (current != null) {
				current.shutdown().get(10, TimeUnit.SECONDS);
			}
		}
		catch (TimeoutException ex) {
			// Stopping the server below ends whatever the client still has open.
		}
		finally {
			if (running != null) {
				running.close();
			}
		}
	}

	/**
	 * The running server.
	 * @return the server
	 * @throws IllegalStateException outside a test
	 */
	public EmbeddedEsdbServer server() {
		EmbeddedEsdbServer running = this.server;
		if (running == null) {
			throw new IllegalStateException("The embedded server runs only while tests run");
		}
		return running;
	}

	/**
	 * A client connected to the server.
	 * @return the client
	 * @throws IllegalStateException outside a test
	 */
	public KurrentDBClient client() {
		KurrentDBClient current = this.client;
		if (current == null) {
			throw new IllegalStateException("The client exists only while tests run");
		}
		return current;
	}

	/**
	 * The server's connection string, for example for {@code esdb.connection-string}.
	 * @return {@code kurrentdb://127.0.0.1:<port>?tls=false}
	 */
	public String connectionString() {
		return server().connectionString();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == EmbeddedEsdbServer.class || type == KurrentDBClient.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return (parameterContext.getParameter().getType() == EmbeddedEsdbServer.class) ? server() : client();
	}

}
