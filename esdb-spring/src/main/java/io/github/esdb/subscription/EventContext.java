package io.github.esdb.subscription;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.kurrent.dbclient.Position;

/**
 * What a handler may want to know about the event it handles, besides the payload.
 *
 * @param subscriptionId the id of the subscription delivering the event
 * @param stream the stream the event was written to
 * @param revision the event's revision (number) in that stream
 * @param position the event's position in {@code $all}, or {@code null} when the server did not send one
 * @param eventId the event's id
 * @param eventType the event's type name
 * @param created when the event was written
 * @param metadata the user metadata parsed as a JSON object; empty when absent or not a JSON object
 * @param rawMetadata the user metadata bytes as stored
 * @param retryCount for persistent subscriptions, how often the server has delivered the event before; {@code null}
 * for catch-up subscriptions
 */
public record EventContext(String subscriptionId, String stream, long revision, Position position, UUID eventId,
		String eventType, Instant created, Map<String, Object> metadata, byte[] rawMetadata, Integer retryCount) {

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
		return "EventContext[subscriptionId=" + this.subscriptionId + ", stream=" + this.stream + ", revision="
				+ this.revision + ", position=" + this.position + ", eventId=" + this.eventId + ", eventType="
				+ this.eventType + ", retryCount=" + this.retryCount + "]";
	}

}
