package io.github.esdb.embedded.persistent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.esdb.embedded.TestServer;

import static io.github.esdb.embedded.persistent.PersistentTestSupport.append;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.await;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group's parked stream as clients see it on a real node: each entry's metadata has the camel-case keys the server
 * writes ({@code added}, {@code reason}, {@code subscriptionEventNumber}), and a truncate-before written by a client
 * (how a parked stream is purged) hides the entries from reads and from a later replay.
 */
class ParkedStreamTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	@Test
	void parkedEntriesCarryTheServersMetadataAndATruncateBeforePurgesThem() throws Exception {
		String stream = unique("parked");
		String parkedStream = "$persistentsubscription-" + stream + "::g-parked";
		await(server.persistent().createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()));
		append(server.client(), stream, 2);
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(false);
		PersistentSubscription subscription = await(server.persistent().subscribeToStream(stream, "g", recorder));
		List<PersistentTestSupport.Delivery> delivered = recorder.next(2);
		subscription.nack(NackAction.Park, "poison", delivered.get(0).event());
		subscription.nack(NackAction.Park, "poison", delivered.get(1).event());
		org.awaitility.Awaitility.await().atMost(PersistentTestSupport.WAIT)
			.until(() -> read(parkedStream).size() == 2);

		JsonNode metadata = new ObjectMapper().readTree(read(parkedStream).get(0).getUserMetadata());
		assertThat(metadata.get("reason").asText()).isEqualTo("Client explicitly NAK'ed message.\npoison");
		assertThat(metadata.get("added").asText()).isNotBlank();
		assertThat(metadata.get("subscriptionEventNumber").asLong()).isZero();

		StreamMetadata truncated = new StreamMetadata();
		truncated.setTruncateBefore(2L);
		await(server.client().setStreamMetadata(parkedStream, truncated));
		assertThat(read(parkedStream)).isEmpty();
		await(server.persistent().replayParkedMessagesToStream(stream, "g"));
		recorder.assertQuiet(Duration.ofMillis(300));
		subscription.stop();
	}

	private static List<RecordedEvent> read(String stream) throws Exception {
		try {
			return await(server.client().readStream(stream, ReadStreamOptions.get().fromStart().notResolveLinkTos()))
				.getEvents()
				.stream()
				.map(ResolvedEvent::getOriginalEvent)
				.toList();
		}
		catch (Exception ex) {
			if (ex.getCause() instanceof io.kurrent.dbclient.StreamNotFoundException) {
				return List.of();
			}
			throw ex;
		}
	}

}
