package io.github.esdb.subscription.event;

import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * A subscription dropped (server restart, network, leader change, client shut down); it resubscribes with back-off.
 */
public class SubscriptionDroppedEvent extends SubscriptionEvent {

	private final transient Throwable cause;

	public SubscriptionDroppedEvent(SubscriptionSnapshot snapshot, Throwable cause) {
		super(snapshot);
		this.cause = cause;
	}

	/**
	 * Why.
	 * @return the cause, may be {@code null} when the client gave none
	 */
	public Throwable getCause() {
		return this.cause;
	}

}
