package io.github.esdb.subscription;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;

/**
 * What a catch-up subscription does when a handler throws: it retries the event in place with a back-off, then
 * applies the outcome. Declare a bean of this type to replace the default, which is configured by
 * {@code esdb.subscriptions.catch-up.*}.
 */
public interface CatchUpErrorPolicy {

	/** What to do once retries are exhausted. */
	enum Outcome {

		/** Stop the subscription as FAILED; the position is not moved past the event. */
		STOP,
		/** Log and count the event, then move past it. */
		SKIP,
		/**
		 * Append the event to the subscription's dead-letter stream ({@code $esdb-parked-<id>}), then move past it;
		 * {@code SubscriptionRegistry.replayParked} hands it to the handler again.
		 */
		PARK

	}

	/**
	 * The back-off between retries of one event; a fresh execution is started for each failing event.
	 * @param endpoint the subscription
	 * @return the back-off; one whose execution stops at once means no retry
	 */
	BackOff retryBackOff(SubscriptionEndpoint endpoint);

	/**
	 * The action declared for an error, which applies at once, before any retry: {@code retry} retries with the
	 * back-off as usual, {@code skip} and {@code park} move past the event, {@code stop} fails the subscription.
	 * @param endpoint the subscription
	 * @param error what the handler threw
	 * @return the action, {@code null} to retry with the back-off and then apply {@link #onRetriesExhausted}
	 */
	default NackException.@Nullable Action actionFor(SubscriptionEndpoint endpoint, Throwable error) {
		return null;
	}

	/**
	 * Whether an error is worth retrying; deserialization errors, for one, never are.
	 * @param error what the handler threw
	 * @return true to retry
	 */
	default boolean isRetryable(Throwable error) {
		return !(error instanceof io.github.esdb.serialization.EventSerializationException);
	}

	/**
	 * What to do when the event still fails after the retries.
	 * @param endpoint the subscription
	 * @param event the event
	 * @param error the last error
	 * @return stop, skip or park
	 */
	Outcome onRetriesExhausted(SubscriptionEndpoint endpoint, EventContext event, Throwable error);

}
