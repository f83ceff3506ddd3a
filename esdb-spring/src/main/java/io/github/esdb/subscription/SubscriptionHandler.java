package io.github.esdb.subscription;

import io.kurrent.dbclient.ResolvedEvent;

/**
 * Handles the events of a programmatically registered subscription. Throw {@link NackException} to choose what
 * happens to an event; any other exception goes to the configured error policy.
 */
@FunctionalInterface
public interface SubscriptionHandler {

	/**
	 * Handle one event.
	 * @param event the event as delivered by the client
	 * @param context the event's details
	 * @throws Exception if the event could not be handled
	 */
	void handle(ResolvedEvent event, EventContext context) throws Exception;

}
