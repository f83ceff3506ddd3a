package io.github.esdb.subscription;

import java.util.Optional;

/**
 * Keeps the positions of catch-up subscriptions. The default stores them in KurrentDB itself; an in-memory store
 * exists for tests and throw-away projections, and
 * {@link io.github.esdb.subscription.checkpoint.JdbcCheckpointStore} keeps them in a relational table. To keep a
 * checkpoint in the same transaction as a read model's updates (exactly once), the store must also be a
 * {@link TransactionalCheckpointStore}: {@link #store} alone runs outside the handler, every N events.
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

	/**
	 * Forget a subscription's checkpoint, so that it starts from its {@code from} position again. The subscription
	 * calls it when {@code esdb.subscriptions.checkpoint.beyond-log=reset} finds the stored checkpoint after the end
	 * of the log. Stores whose {@link #store} replaces whatever is stored need not implement it: the subscription's
	 * next commit replaces the old checkpoint anyway.
	 * @param subscriptionId the subscription's id
	 */
	default void reset(String subscriptionId) {
	}

}
