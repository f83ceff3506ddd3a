package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;

/**
 * Runs one subscription: subscribes, hands events to the handlers on its own thread, resubscribes after drops and
 * stops gracefully.
 */
public interface SubscriptionContainer {

	/**
	 * What this container subscribes to.
	 * @return the endpoint
	 */
	SubscriptionEndpoint endpoint();

	/**
	 * Start the subscription; does nothing if it is running.
	 */
	void start();

	/**
	 * Ask the subscription to stop after the event in hand, without waiting.
	 */
	void requestStop();

	/**
	 * Wait for a requested stop to finish; past the timeout the subscription is cancelled and the handler thread
	 * interrupted.
	 * @param timeout how long to wait for the in-flight handler
	 * @return true if it stopped gracefully within the timeout
	 */
	boolean awaitStop(Duration timeout);

	/**
	 * Stop gracefully: the in-flight handler finishes, its event is acked or checkpointed, then the subscription is
	 * cancelled.
	 * @param timeout how long to wait for the in-flight handler
	 * @return true if it stopped within the timeout
	 */
	default boolean stop(Duration timeout) {
		requestStop();
		return awaitStop(timeout);
	}

	/**
	 * Whether the subscription is meant to run (started and not stopped or failed).
	 * @return true while running
	 */
	boolean isRunning();

	/**
	 * Delete the persistent subscription group on the server; the subscription should be stopped first.
	 * @throws IllegalStateException if this is not a persistent subscription
	 * @throws Exception if the server refused or did not answer
	 */
	void deleteGroup() throws Exception;

	/**
	 * How many events are parked and neither replayed nor purged.
	 * @return the count
	 * @throws Exception if the parked stream could not be read
	 */
	long parkedCount() throws Exception;

	/**
	 * A page of the parked events, oldest first.
	 * @param offset how many to pass over
	 * @param limit how many at most
	 * @return the parked events
	 * @throws Exception if the parked stream could not be read
	 */
	List<ParkedEvent> parked(int offset, int limit) throws Exception;

	/**
	 * Hand parked events to the handler again, oldest first.
	 * @param max how many at most
	 * @return how many the replay took on
	 * @throws Exception if the parked stream could not be read or written, or the server refused
	 */
	int replayParked(int max) throws Exception;

	/**
	 * Drop every parked event without handling it.
	 * @return how many were dropped
	 * @throws Exception if the parked stream could not be read or written
	 */
	long purgeParked() throws Exception;

	/**
	 * Move a stopped catch-up subscription to another position: find the checkpoint just before the target, call the
	 * reset handler, then store that checkpoint (in one transaction for a transactional subscription). Starting the
	 * subscription afterwards replays from the target.
	 * @param to the target
	 * @param handler called before the checkpoint is stored
	 * @return the checkpoint stored: the subscription resumes after it
	 * @throws IllegalStateException if the subscription is persistent or still running
	 * @throws Exception if the target cannot be found in the log, the handler failed or the store could not write
	 */
	default Checkpoint reset(StartPosition to, SubscriptionResetHandler handler) throws Exception {
		throw new IllegalStateException("Subscription '" + endpoint().id() + "' cannot be reset by its container");
	}

	/**
	 * A read-only view of the subscription now.
	 * @return the snapshot
	 */
	SubscriptionSnapshot snapshot();

}
