package io.github.esdb.subscription.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a stream's metadata stream as stored: the client's {@code getStreamMetadata} parses any event's data, so it
 * cannot tell a metadata event of the wrong type or content type from the right one.
 */
public final class MetadataEvents {

	private MetadataEvents() {
	}

	/**
	 * Assert that the last event of {@code $$<stream>} is a JSON {@code $metadata} event holding only
	 * {@code $maxCount}, as the client's {@code setStreamMetadata} would write it.
	 * @param client the client
	 * @param stream the capped stream
	 * @param maxCount the cap
	 * @throws Exception when the read fails
	 */
	public static void assertOnlyMaxCount(KurrentDBClient client, String stream, long maxCount) throws Exception {
		List<ResolvedEvent> events = client
			.readStream("$$" + stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(1))
			.get(10, TimeUnit.SECONDS)
			.getEvents();
		assertThat(events).hasSize(1);
		RecordedEvent metadata = events.get(0).getOriginalEvent();
		assertThat(metadata.getEventType()).isEqualTo("$metadata");
		assertThat(metadata.getContentType()).isEqualTo("application/json");
		assertThat(new String(metadata.getEventData(), StandardCharsets.UTF_8))
			.isEqualTo("{\"$maxCount\":" + maxCount + "}");
	}

}
