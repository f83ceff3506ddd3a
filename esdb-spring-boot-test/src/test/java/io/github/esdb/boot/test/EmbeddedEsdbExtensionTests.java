package io.github.esdb.boot.test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.esdb.embedded.EmbeddedEsdbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EmbeddedEsdbExtension} in tests without Spring: a server for the test class, cleared before each test when
 * asked, and the server and a client as parameters.
 */
class EmbeddedEsdbExtensionTests {

	@RegisterExtension
	static final EmbeddedEsdbExtension esdb = new EmbeddedEsdbExtension().resetBeforeEach();

	static void appendToANewStream(KurrentDBClient client, String stream) throws Exception {
		EventData event = EventData.builderAsJson("OrderPlaced", "{}".getBytes(StandardCharsets.UTF_8)).build();
		client.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()), event)
			.get(10, TimeUnit.SECONDS);
	}

	@Test
	void firstTestWritesTheStream(KurrentDBClient client) throws Exception {
		// Each test expects the stream not to exist: this only works when the server is cleared in between.
		appendToANewStream(client, "orders-1");
	}

	@Test
	void secondTestWritesTheSameStream(KurrentDBClient client) throws Exception {
		appendToANewStream(client, "orders-1");
	}

	@Test
	void theServerAndTheClientAreParameters(EmbeddedEsdbServer server, KurrentDBClient client) {
		assertThat(server).isSameAs(esdb.server());
		assertThat(client).isSameAs(esdb.client());
		assertThat(esdb.connectionString()).isEqualTo(server.connectionString());
		assertThat(server.isRunning()).isTrue();
	}

}
