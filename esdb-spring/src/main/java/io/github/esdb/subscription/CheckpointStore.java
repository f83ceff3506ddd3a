package io.github.esdb.subscription;

import java.util.Optional;

/**
 * Keeps the positions of catch-up subscriptions. The default stores them in KurrentDB itself; an in-memory store
 * exists for tests and throw-away projections. Implement it to keep checkpoints next to a read model, in the same
 * transaction as its updates.
 */
public interface CheckpointStore {

	/**
	 * The stored checkpoint of a subscription.
	 * @param subscriptionId the subscription's id
	 * @return the checkpoint, or empty when the subscription never committed one
	 */
	Optional<Checkpoint> load(String subscriptionId);

	/**
	 * Store a subscription's checkpoint, replacing the previous one.
	 * @param subscriptionId the subscription's id
	 * @param checkpoint the position of the last event the subscription is done with
	 */
	void store(String subscriptionId, Checkpoint checkpoint);

	/**
	 * Wait until the checkpoints stored for a subscription are durable. A subscription calls it when it stops
	 * gracefully; stores that write in {@link #store} itself need not implement it.
	 * @param subscriptionId the subscription's id
	 * @throws RuntimeException if the last checkpoint could not be written
	 */
	default void flush(String subscriptionId) {
	}

}
