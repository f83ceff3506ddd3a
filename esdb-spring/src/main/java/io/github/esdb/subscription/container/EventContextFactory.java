package io.github.esdb.subscription.container;

import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;

import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.subscription.EventContext;

/**
 * Builds the {@link EventContext} of a delivered event. With resolved links the context describes the event the link
 * points to, which is what the handler's payload is.
 */
public class EventContextFactory {

	private final EventSerializer serializer;

	public EventContextFactory(EventSerializer serializer) {
		this.serializer = serializer;
	}

	/**
	 * The context of an event.
	 * @param subscriptionId the subscription
	 * @param event the delivered event; its {@code getEvent()} must not be null
	 * @param retryCount the persistent retry count, {@code null} for catch-up
	 * @return the context
	 */
	public EventContext create(String subscriptionId, ResolvedEvent event, Integer retryCount) {
		RecordedEvent recorded = event.getEvent();
		Position position = event.getPosition().orElse(recorded.getPosition());
		byte[] metadata = recorded.getUserMetadata();
		return new EventContext(subscriptionId, recorded.getStreamId(), recorded.getRevision(), position,
				recorded.getEventId(), recorded.getEventType(), recorded.getCreated(),
				this.serializer.readMetadata(metadata), metadata, retryCount);
	}

}
