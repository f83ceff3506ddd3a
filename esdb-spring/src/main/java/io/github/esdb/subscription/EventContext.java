package io.github.esdb.subscription;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.github.esdb.event.EventEnvelope;
import io.github.esdb.event.LogPosition;

/**
 * What a handler may want to know about the event it handles, besides the payload: the stored event's envelope and
 * what the subscription adds to it.
 *
 * @param subscriptionId the id of the subscription delivering the event
 * @param event the event's envelope: stream, revision, position, id, type, creation time and metadata
 * @param retryCount for persistent subscriptions, how often the server has delivered the event before; {@code null}
 * for catch-up subscriptions
 */
public record EventContext(String subscriptionId, EventEnvelope event, @Nullable Integer retryCount) {

	/** The metadata key KurrentDB uses for the correlation id. */
	public static final String CORRELATION_ID = EventEnvelope.CORRELATION_ID;

	/** The metadata key KurrentDB uses for the causation id. */
	public static final String CAUSATION_ID = EventEnvelope.CAUSATION_ID;

	/**
	 * The stream the event was written to.
	 * @return the stream
	 */
	public String stream() {
		return this.event.stream();
	}

	/**
	 * The event's revision (number) in its stream.
	 * @return the revision
	 */
	public long revision() {
		return this.event.revision();
	}

	/**
	 * The event's position in {@code $all}.
	 * @return the position, or {@code null} when the server did not send one
	 */
	public @Nullable LogPosition position() {
		return this.event.position();
	}

	/**
	 * The event's id.
	 * @return the id
	 */
	public UUID eventId() {
		return this.event.eventId();
	}

	/**
	 * The event's type name.
	 * @return the type
	 */
	public String eventType() {
		return this.event.eventType();
	}

	/**
	 * When the event was written.
	 * @return the time
	 */
	public Instant created() {
		return this.event.created();
	}

	/**
	 * The user metadata parsed as a JSON object.
	 * @return the metadata; empty when absent or not a JSON object
	 */
	public Map<String, Object> metadata() {
		return this.event.metadata();
	}

	/**
	 * The user metadata bytes as stored.
	 * @return the bytes
	 */
	public byte[] rawMetadata() {
		return this.event.rawMetadata();
	}

	/**
	 * The correlation id from the metadata.
	 * @return the {@code $correlationId} value, if any
	 */
	public Optional<String> correlationId() {
		return this.event.correlationId();
	}

	/**
	 * The causation id from the metadata.
	 * @return the {@code $causationId} value, if any
	 */
	public Optional<String> causationId() {
		return this.event.causationId();
	}

	@Override
	public String toString() {
		return "EventContext[subscriptionId=" + this.subscriptionId + ", stream=" + stream() + ", revision="
				+ revision() + ", position=" + position() + ", eventId=" + eventId() + ", eventType=" + eventType()
				+ ", retryCount=" + this.retryCount + "]";
	}

}
