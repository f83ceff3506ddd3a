package io.github.esdb.subscription;

import java.util.Optional;

/**
 * A {@link TransactionalCheckpointStore} that also keeps one position per partition, so that a transactional
 * subscription with a concurrency above 1 is exactly once: each partition writes the position of each event it
 * handles in that event's transaction, under its own index, and the subscription's own checkpoint is the position
 * before which every event finished (written outside the transactions, gap-aware). After a crash the subscription
 * resumes from its own checkpoint, and each partition passes over the events at or before its stored position,
 * which it had committed.
 * <p>
 * A partition is a subscription's slice of events by key; its index is stable only for one partition count, which
 * is therefore stored with the positions.
 *
 * @see io.github.esdb.subscription.checkpoint.JdbcCheckpointStore
 */
public interface PartitionCheckpointStore extends TransactionalCheckpointStore {

	/**
	 * The stored positions of a subscription's partitions.
	 * @param subscriptionId the subscription's id
	 * @return the positions with the partition count they were written under, empty when none are stored
	 */
	Optional<PartitionCheckpoints> loadPartitions(String subscriptionId);

	/**
	 * Store a partition's position in the caller's transaction, unless the stored one is already at or after it
	 * (the event was committed before: the caller rolls back its handler's work). The write locks the partition's
	 * position until the transaction ends.
	 * @param subscriptionId the subscription's id
	 * @param partition the partition's index, from 0
	 * @param partitionCount the subscription's partition count
	 * @param checkpoint the position of the event being handled
	 * @return true if written, false if the stored position is at or after it (nothing written)
	 */
	boolean storePartitionIfBehind(String subscriptionId, int partition, int partitionCount, Checkpoint checkpoint);

	/**
	 * Forget a subscription's partition positions (when its partition count changed after a graceful stop, or its
	 * checkpoint is reset).
	 * @param subscriptionId the subscription's id
	 */
	void resetPartitions(String subscriptionId);

}
