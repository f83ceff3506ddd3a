package io.github.esdb.subscription.container;

import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import io.github.esdb.event.EventEnvelopeFactory;
import io.github.esdb.subscription.EventContext;

/**
 * Builds the {@link EventContext} of a delivered event. With resolved links the context describes the event the link
 * points to, which is what the handler's payload is.
 */
final class EventContextFactory {

	private final EventEnvelopeFactory envelopes;

	EventContextFactory(EventEnvelopeFactory envelopes) {
		this.envelopes = envelopes;
	}

	/**
	 * The context of an event.
	 * @param subscriptionId the subscription
	 * @param event the delivered event; its {@code getEvent()} must not be null
	 * @param retryCount the persistent retry count, {@code null} for catch-up
	 * @return the context
	 */
	EventContext create(String subscriptionId, ResolvedEvent event, Integer retryCount) {
		return new EventContext(subscriptionId, this.envelopes.create(event), retryCount);
	}

	/**
	 * The context of an event whose position the server did not send (a replayed parked event comes with its
	 * parked link's).
	 * @param subscriptionId the subscription
	 * @param event the delivered event; its {@code getEvent()} must not be null
	 * @param retryCount the persistent retry count, {@code null} for catch-up
	 * @param position the event's position in {@code $all}, {@code null} when unknown
	 * @return the context
	 */
	EventContext create(String subscriptionId, ResolvedEvent event, Integer retryCount, @Nullable Position position) {
		return new EventContext(subscriptionId, this.envelopes.create(event.getEvent(), position), retryCount);
	}

}
