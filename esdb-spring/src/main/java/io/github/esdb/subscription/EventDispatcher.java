package io.github.esdb.subscription;

import java.util.Optional;
import java.util.Set;

import io.kurrent.dbclient.ResolvedEvent;

/**
 * Routes a subscription's events to its handler(s). The annotation support dispatches by event type to handler
 * methods; a programmatic {@link SubscriptionHandler} receives every event.
 */
public interface EventDispatcher {

	/**
	 * Hand an event to the handler that accepts it.
	 * @param event the event
	 * @param context the event's details
	 * @return true if a handler took it, false if none accepts its type (the event is skipped)
	 * @throws Exception what the handler threw, or an
	 * {@link io.github.esdb.serialization.EventSerializationException} if the payload cannot be read
	 */
	boolean dispatch(ResolvedEvent event, EventContext context) throws Exception;

	/**
	 * The event types the handlers accept, used to ask the server to filter {@code $all}.
	 * @return the type names, or empty when some handler accepts every event
	 */
	Optional<Set<String>> acceptedEventTypes();

	/**
	 * A dispatcher that gives every event to one handler.
	 * @param handler the handler
	 * @return the dispatcher
	 */
	static EventDispatcher of(SubscriptionHandler handler) {
		return new EventDispatcher() {

			@Override
			public boolean dispatch(ResolvedEvent event, EventContext context) throws Exception {
				handler.handle(event, context);
				return true;
			}

			@Override
			public Optional<Set<String>> acceptedEventTypes() {
				return Optional.empty();
			}

		};
	}

}
