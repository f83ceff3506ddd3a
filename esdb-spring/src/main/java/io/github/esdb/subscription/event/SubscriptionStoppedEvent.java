package io.github.esdb.subscription.event;

import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * A subscription stopped (on request, at shutdown, or because a persistent handler nacked with stop).
 */
public class SubscriptionStoppedEvent extends SubscriptionEvent {

	public SubscriptionStoppedEvent(SubscriptionSnapshot snapshot) {
		super(snapshot);
	}

}
