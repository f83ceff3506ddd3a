package io.github.esdb.subscription.event;

import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * The server confirmed a subscription for the first time since it was started.
 */
public class SubscriptionStartedEvent extends SubscriptionEvent {

	public SubscriptionStartedEvent(SubscriptionSnapshot snapshot) {
		super(snapshot);
	}

}
