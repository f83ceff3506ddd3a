package io.github.esdb.event;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What KurrentDB stored about an event besides its payload: where it is, what it is and its metadata. Reads of the
 * template and subscription handlers see the same envelope; a subscription adds what it knows (see
 * {@code io.github.esdb.subscription.EventContext}).
 *
 * @param stream the stream the event was written to
 * @param revision the event's revision (number) in that stream
 * @param position the event's position in {@code $all}, or {@code null} when the server did not send one
 * @param eventId the event's id
 * @param eventType the event's type name
 * @param created when the event was written
 * @param metadata the user metadata parsed as a JSON object; empty when absent or not a JSON object. Read-only;
 * an envelope of a delivered or read event parses {@code rawMetadata} on the first use of this map, not before, so
 * that a handler that never looks at the metadata does not pay for it (with tracing on, the tracing reads it for
 * every event)
 * @param rawMetadata the user metadata bytes as stored; not to be changed, since {@code metadata} may not have read
 * them yet
 */
public record EventEnvelope(String stream, long revision, @Nullable LogPosition position, UUID eventId,
		String eventType, Instant created, Map<String, Object> metadata, byte[] rawMetadata) {

	/** The metadata key KurrentDB uses for the correlation id. */
	public static final String CORRELATION_ID = "$correlationId";

	/** The metadata key KurrentDB uses for the causation id. */
	public static final String CAUSATION_ID = "$causationId";

	/**
	 * The correlation id from the metadata.
	 * @return the {@code $correlationId} value, if any
	 */
	public Optional<String> correlationId() {
		return stringValue(CORRELATION_ID);
	}

	/**
	 * The causation id from the metadata.
	 * @return the {@code $causationId} value, if any
	 */
	public Optional<String> causationId() {
		return stringValue(CAUSATION_ID);
	}

	private Optional<String> stringValue(String key) {
		Object value = this.metadata.get(key);
		return (value != null) ? Optional.of(value.toString()) : Optional.empty();
	}

	@Override
	public String toString() {
		// No metadata: it may hold whatever the writer put there.
		return "EventEnvelope[stream=" + this.stream + ", revision=" + this.revision + ", position=" + this.position
				+ ", eventId=" + this.eventId + ", eventType=" + this.eventType + "]";
	}

}
