package io.github.esdb.subscription.container;

import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionResetHandler;
import io.github.esdb.subscription.SubscriptionState;

/**
 * What differs between the two kinds of subscription inside a {@link DefaultSubscriptionContainer}: how to subscribe
 * through the client and what to do with each message the session delivers. The container owns the thread, the
 * lifecycle and resubscription; a subscriber owns the kind's protocol.
 */
interface Subscriber {

	/**
	 * The size of the hand-over queue.
	 * @return the capacity
	 */
	int queueCapacity();

	/**
	 * Subscribe and wait for the server's confirmation; the client's listener must put every message into the
	 * session and attach a canceller.
	 * @param session the session to feed
	 * @throws Exception if subscribing failed
	 */
	void subscribe(Session session) throws Exception;

	/**
	 * Whether the client's threads handle the messages themselves rather than queueing them for the worker: one
	 * hand-over between threads less per message where nothing needs the worker's own thread.
	 * @return true to handle on the client's threads
	 */
	default boolean handlesOnClientThread() {
		return false;
	}

	/**
	 * The state right after the server confirmed.
	 * @return CATCHING_UP or LIVE
	 */
	SubscriptionState stateWhenSubscribed();

	/**
	 * Handle one message other than a drop.
	 * @param message the message
	 * @param control the run it belongs to, for retries that must end when a stop is requested
	 * @return how the session ends, or {@code null} to go on
	 */
	@Nullable Exit handle(Session.Message message, SubscriptionErrorHandler.Sleeper control);

	/**
	 * Called after each batch the worker took from the session was handled without ending the session: the place
	 * for work that costs the same for one event as for many, such as sending acks.
	 * @return how the session ends, or {@code null} to go on
	 */
	@Nullable Exit afterBatch();

	/**
	 * Called when no message arrived for a while.
	 * @param control the run it belongs to, for a batch handed over now whose retries must end when a stop is
	 * requested
	 * @return how the session ends, or {@code null} to go on
	 */
	@Nullable Exit onIdle(SubscriptionErrorHandler.Sleeper control);

	/**
	 * Called on the worker of a session handled on the client's threads instead of {@link #onIdle} when a handler
	 * runs at that moment: only work that is safe alongside a handler and should not wait for it to return.
	 */
	default void whileHandlerRuns() {
	}

	/**
	 * How long the worker waits for the next message before it calls {@link #onIdle}: shorter while a batch waits
	 * for its max wait to pass; a catch-up subscription on the client's thread waits until its next commit is due.
	 * @param idle the container's usual wait
	 * @return the wait in milliseconds
	 */
	default long pollMillis(long idle) {
		return idle;
	}

	/**
	 * Called on the worker thread before the subscription is cancelled at the end of a run.
	 */
	void beforeClose();

	/**
	 * The last event handled or moved past.
	 * @return the position, {@code null} before the first
	 */
	@Nullable Checkpoint position();

	/**
	 * The last checkpoint stored (catch-up).
	 * @return the checkpoint, {@code null} if none
	 */
	@Nullable Checkpoint committed();

	/**
	 * How many events it handles at once.
	 * @return at least 1
	 */
	int concurrency();

	/**
	 * Events handed to partitions and not finished.
	 * @return the count, 0 when it handles one event at a time
	 */
	int inFlight();

	/**
	 * The oldest event not finished.
	 * @return its position, {@code null} when none
	 */
	@Nullable Checkpoint oldestUnfinished();

	/**
	 * A stop timed out: interrupt whatever still runs.
	 */
	void abort();

	/**
	 * The filter the server applies.
	 * @return the filter, {@code null} for none
	 */
	@Nullable EventFilterSpec filter();

	/**
	 * The stream this subscription's parked events are kept in.
	 * @return the catch-up dead-letter stream or the persistent group's parked stream
	 */
	ParkedStream parkedStream();

	/**
	 * Hand parked events to the handler again, oldest first.
	 * @param max how many at most
	 * @return how many the replay took on
	 * @throws Exception if the parked stream could not be read or the replay was refused
	 */
	int replayParked(int max) throws Exception;

	/**
	 * Move the subscription, stopped, to another position (catch-up only).
	 * @param to the target
	 * @param handler called before the new checkpoint is stored
	 * @return the checkpoint stored
	 * @throws Exception if the target cannot be found, the handler failed or the checkpoint could not be stored
	 */
	default Checkpoint reset(StartPosition to, SubscriptionResetHandler handler) throws Exception {
		throw new IllegalStateException("Only catch-up subscriptions can be reset");
	}

	/** How a drain of one session ended. */
	record Exit(Kind kind, @Nullable Throwable cause) {

		enum Kind {

			STOP, DROPPED, FAILED

		}

		static Exit stop() {
			return new Exit(Kind.STOP, null);
		}

		static Exit dropped(@Nullable Throwable cause) {
			return new Exit(Kind.DROPPED, cause);
		}

		static Exit failed(Throwable cause) {
			return new Exit(Kind.FAILED, cause);
		}

	}

}
