package io.github.esdb.core;

import java.util.Map;
import java.util.UUID;

import io.github.esdb.event.CurrentEvent;
import io.github.esdb.event.EventEnvelope;

/**
 * An event read from KurrentDB: the deserialized payload plus the same envelope subscription handlers get. The context can be handed to
 * {@link CurrentEvent#callWith} to process a read event the way a handler would.
 *
 * @param <T> the payload type
 * @param payload the deserialized payload
 * @param context stream, revision, position, id, type, creation time and metadata of the event
 */
public record StoredEvent<T>(T payload, EventEnvelope context) {

	/**
	 * The stream the event belongs to.
	 * @return the stream name
	 */
	public String stream() {
		return this.context.stream();
	}

	/**
	 * The event's revision in its stream.
	 * @return the revision
	 */
	public long revision() {
		return this.context.revision();
	}

	/**
	 * The event's id.
	 * @return the id
	 */
	public UUID eventId() {
		return this.context.eventId();
	}

	/**
	 * The event's type name.
	 * @return the type name as stored
	 */
	public String eventType() {
		return this.context.eventType();
	}

	/**
	 * The event's user metadata.
	 * @return the metadata as a JSON object, empty if none
	 */
	public Map<String, Object> metadata() {
		return this.context.metadata();
	}

}
