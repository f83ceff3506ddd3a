package io.github.esdb.event;

import java.util.Map;
import java.util.function.Function;

import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;

import io.github.esdb.serialization.EventSerializer;

/**
 * Builds the {@link EventEnvelope} of an event the client delivered, for the template's reads and the subscriptions
 * alike. With resolved links the envelope describes the event the link points to, which is what the payload is.
 */
public class EventEnvelopeFactory {

	// Made once: a method reference per event would be an allocation per event.
	private final Function<byte[], Map<String, Object>> metadataReader;

	/**
	 * Create a factory.
	 * @param serializer reads the user metadata, when a handler first uses it
	 */
	public EventEnvelopeFactory(EventSerializer serializer) {
		this.metadataReader = serializer::readMetadata;
	}

	/**
	 * The envelope of a delivered event.
	 * @param event the event; its {@code getEvent()} must not be null
	 * @return the envelope
	 */
	public EventEnvelope create(ResolvedEvent event) {
		RecordedEvent recorded = event.getEvent();
		return create(recorded, event.getPosition().orElse(recorded.getPosition()));
	}

	/**
	 * The envelope of a recorded event.
	 * @param recorded the event
	 * @param position its position in {@code $all}, or {@code null} if unknown
	 * @return the envelope
	 */
	public EventEnvelope create(RecordedEvent recorded, Position position) {
		byte[] metadata = recorded.getUserMetadata();
		return new EventEnvelope(recorded.getStreamId(), recorded.getRevision(),
				(position != null) ? LogPosition.fromClient(position) : null, recorded.getEventId(),
				recorded.getEventType(), recorded.getCreated(), ParsedMetadata.of(metadata, this.metadataReader),
				metadata);
	}

}
