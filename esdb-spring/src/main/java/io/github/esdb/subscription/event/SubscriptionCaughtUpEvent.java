package io.github.esdb.subscription.event;

import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * A catch-up subscription read all historical events and is now live.
 */
public class SubscriptionCaughtUpEvent extends SubscriptionEvent {

	public SubscriptionCaughtUpEvent(SubscriptionSnapshot snapshot) {
		super(snapshot);
	}

}
