package io.github.esdb.subscription;

/**
 * Where a subscription is in its life.
 */
public enum SubscriptionState {

	/** Subscribing for the first time since it was started. */
	STARTING,
	/** Subscribed and reading historical events. */
	CATCHING_UP,
	/** Subscribed and receiving events as they are written (persistent subscriptions are live once confirmed). */
	LIVE,
	/** The subscription dropped; resubscribing with back-off from the last handled position. */
	RECONNECTING,
	/** Not running: never started, or stopped. */
	STOPPED,
	/** Stopped because a handler failed and the error policy said stop; the position was not moved past the event. */
	FAILED,
	/**
	 * Started, but another application instance holds the subscription's lease
	 * ({@code esdb.subscriptions.coordination.mode}): this one handles no event and tries to acquire the lease every
	 * renew interval, taking over from the stored checkpoint when the holder stops or lets it expire.
	 */
	STANDBY;

	/**
	 * Whether the subscription is meant to be running in this state.
	 * @return true for STARTING, CATCHING_UP, LIVE and RECONNECTING; false for STANDBY, which handles no event here
	 */
	public boolean isActive() {
		return this != STOPPED && this != FAILED && this != STANDBY;
	}

}
