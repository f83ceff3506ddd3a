package io.github.esdb.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.github.esdb.event.EventEnvelope;

/**
 * A payload to append together with what the template cannot derive itself: extra metadata keys and, rarely, an
 * explicit event id. Plain payload objects passed to {@link EsdbOperations#append} are wrapped in one of these.
 * <p>
 * Explicit values win over derived ones: an {@code eventId} replaces the generated (or handler-derived) id, and a
 * {@value EventEnvelope#CORRELATION_ID} or {@value EventEnvelope#CAUSATION_ID} metadata key replaces the automatic one.
 *
 * @param payload the object serialized as the event's data
 * @param metadata extra user metadata keys, written as a JSON object next to the correlation and causation ids
 * @param eventId the event id to use, or {@code null} to let the template choose one
 */
public record EventToAppend(Object payload, Map<String, Object> metadata, UUID eventId) {

	public EventToAppend {
		if (payload == null) {
			throw new IllegalArgumentException("An event payload must not be null");
		}
		// Kept in insertion order so the stored JSON reads the way it was built.
		metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata)) : Map.of();
	}

	/**
	 * Wrap a payload with no extra metadata and a template-chosen id.
	 * @param payload the payload
	 * @return the event
	 */
	public static EventToAppend of(Object payload) {
		return new EventToAppend(payload, Map.of(), null);
	}

	/**
	 * Add a metadata key.
	 * @param key the key
	 * @param value the value; for multi-stream appends it must be a string
	 * @return a copy with the key set
	 */
	public EventToAppend withMetadata(String key, Object value) {
		Map<String, Object> copy = new LinkedHashMap<>(this.metadata);
		copy.put(key, value);
		return new EventToAppend(this.payload, copy, this.eventId);
	}

	/**
	 * Set the correlation id instead of the automatic one.
	 * @param correlationId the correlation id
	 * @return a copy with {@value EventEnvelope#CORRELATION_ID} set
	 */
	public EventToAppend withCorrelationId(String correlationId) {
		return withMetadata(EventEnvelope.CORRELATION_ID, correlationId);
	}

	/**
	 * Set the causation id instead of the automatic one.
	 * @param causationId the causation id
	 * @return a copy with {@value EventEnvelope#CAUSATION_ID} set
	 */
	public EventToAppend withCausationId(String causationId) {
		return withMetadata(EventEnvelope.CAUSATION_ID, causationId);
	}

	/**
	 * Use an explicit event id, for example one the caller derives from a command id to make its own retries
	 * idempotent.
	 * @param id the event id
	 * @return a copy with the id set
	 */
	public EventToAppend withEventId(UUID id) {
		return new EventToAppend(this.payload, this.metadata, id);
	}

}
