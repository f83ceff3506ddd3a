package io.github.esdb.subscription.event;

import org.springframework.context.ApplicationEvent;

import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * Base of the application events a subscription publishes as it starts, catches up, drops, stops and fails.
 */
public abstract class SubscriptionEvent extends ApplicationEvent {

	protected SubscriptionEvent(SubscriptionSnapshot snapshot) {
		super(snapshot);
	}

	/**
	 * The subscription when the event happened.
	 * @return the snapshot
	 */
	public SubscriptionSnapshot getSnapshot() {
		return (SubscriptionSnapshot) getSource();
	}

	/**
	 * The subscription's id.
	 * @return the id
	 */
	public String getSubscriptionId() {
		return getSnapshot().id();
	}

}
