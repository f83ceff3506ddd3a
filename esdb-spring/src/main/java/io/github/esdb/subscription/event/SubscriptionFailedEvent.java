package io.github.esdb.subscription.event;

import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * A subscription stopped because a handler failed and the error policy said stop, or a catch-up handler nacked with stop.
 */
public class SubscriptionFailedEvent extends SubscriptionEvent {

	private final transient Throwable cause;

	public SubscriptionFailedEvent(SubscriptionSnapshot snapshot, Throwable cause) {
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
