package io.github.esdb.subscription;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Callbacks from the subscription containers, the hook for metrics, health and custom logging. Every bean of this
 * type is called on the subscription's worker thread, so implementations must be quick; exceptions they throw are
 * logged and ignored. All methods have empty defaults.
 */
public interface SubscriptionObserver {

	/**
	 * The subscription changed state.
	 * @param snapshot the subscription after the change
	 * @param previous the state before
	 */
	default void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
	}

	/**
	 * A catch-up subscription read all historical events and is live.
	 * @param snapshot the subscription
	 */
	default void caughtUp(SubscriptionSnapshot snapshot) {
	}

	/**
	 * The subscription dropped (server restart, network, leader change, client shut down) and will resubscribe.
	 * @param snapshot the subscription
	 * @param cause why, may be {@code null} when the client gave no cause
	 */
	default void dropped(SubscriptionSnapshot snapshot, @Nullable Throwable cause) {
	}

	/**
	 * The subscription stopped because of a handler error (state FAILED).
	 * @param snapshot the subscription
	 * @param cause the error
	 */
	default void failed(SubscriptionSnapshot snapshot, Throwable cause) {
	}

	/**
	 * A (re)subscription attempt is scheduled after a drop or a failed attempt.
	 * @param subscriptionId the subscription
	 * @param attempt 1 for the first attempt after a drop
	 * @param delay the back-off before the attempt
	 * @param cause why the previous attempt or the subscription ended
	 */
	default void reconnecting(String subscriptionId, int attempt, Duration delay, @Nullable Throwable cause) {
	}

	/**
	 * A handler returned normally.
	 * @param subscriptionId the subscription
	 * @param event the event
	 * @param duration how long the handler took; {@link Duration#ZERO} when no observer of the subscription
	 * {@link #usesHandlerDuration uses it}
	 */
	default void eventHandled(String subscriptionId, EventContext event, Duration duration) {
	}

	/**
	 * Whether this observer reads the {@code duration} of {@link #eventHandled}. Timing a handler costs two clock
	 * reads per event, a noticeable share of a fast catch-up, so the containers time handlers only when an observer
	 * asks for it; the starter's own observers do not (its metrics time handlers through the observation
	 * interceptor).
	 * @return {@code true} (the default) to be given how long each handler took
	 */
	default boolean usesHandlerDuration() {
		return true;
	}

	/**
	 * An event was skipped: no handler accepts its type, or an error policy or nack skipped it.
	 * @param subscriptionId the subscription
	 * @param event the event
	 * @param reason why
	 */
	default void eventSkipped(String subscriptionId, EventContext event, String reason) {
	}

	/**
	 * A handler threw (called for each attempt).
	 * @param subscriptionId the subscription
	 * @param event the event
	 * @param error what it threw
	 */
	default void eventFailed(String subscriptionId, EventContext event, Throwable error) {
	}

	/**
	 * A persistent subscription event was negatively acknowledged.
	 * @param subscriptionId the subscription
	 * @param event the event
	 * @param action the action sent to the server
	 * @param reason the reason sent to the server
	 */
	default void eventNacked(String subscriptionId, EventContext event, NackException.Action action, String reason) {
	}

	/**
	 * A catch-up checkpoint was stored.
	 * @param subscriptionId the subscription
	 * @param checkpoint the stored checkpoint
	 */
	default void checkpointCommitted(String subscriptionId, Checkpoint checkpoint) {
	}

	/**
	 * This observer for one subscription, asked once when its container is built. The container may call the
	 * returned observer, or this one, for that subscription's callbacks, and both must behave alike; what depends only
	 * on the subscription (a lookup by its id, a meter with its tags) can then be done once rather than for every
	 * event. The default is this observer.
	 * @param subscriptionId the subscription
	 * @return an observer equivalent to this one for that subscription's callbacks
	 */
	default SubscriptionObserver forSubscription(String subscriptionId) {
		return this;
	}

}
