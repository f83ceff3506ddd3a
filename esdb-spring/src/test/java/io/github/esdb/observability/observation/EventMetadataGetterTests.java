package io.github.esdb.observability.observation;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.EventEnvelope;
import io.github.esdb.subscription.EventContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace parent comes from the metadata, which is parsed when tracing first reads it: metadata that cannot be read
 * means no parent, never a failed handler or an observation left open.
 */
class EventMetadataGetterTests {

	private final EventMetadataGetter getter = new EventMetadataGetter();

	@Test
	void presentsTheClientsTraceAndSpanIdsAsATraceParent() {
		EventContext event = event(Map.of("$traceId", "4bf92f3577b34da6a3ce929d0e0e4736", "$spanId",
				"00f067aa0ba902b7"));
		assertThat(this.getter.get(event, "traceparent"))
			.isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
		assertThat(this.getter.get(event, "b3")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
	}

	@Test
	void metadataThatCannotBeReadMeansNoParent() {
		Map<String, Object> unreadable = new AbstractMap<>() {

			@Override
			public Set<Entry<String, Object>> entrySet() {
				throw new IllegalStateException("unreadable metadata");
			}

			@Override
			public Object get(Object key) {
				throw new IllegalStateException("unreadable metadata");
			}

		};
		assertThat(this.getter.get(event(unreadable), "traceparent")).isNull();
	}

	private static EventContext event(Map<String, Object> metadata) {
		return new EventContext("s", new EventEnvelope("orders", 3, null, UUID.randomUUID(), "OrderPlaced",
				Instant.now(), metadata, new byte[] { 1 }), null);
	}

}
