package io.github.esdb.subscription.coordination;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.PartitionCheckpointStore;
import io.github.esdb.subscription.PartitionCheckpoints;

/**
 * The fenced form of a store that also keeps partition positions (exactly once with a concurrency above 1): a
 * partition's position is written, and the positions forgotten, only under the lease in force, in the handler's
 * transaction like the checkpoint itself; reading them needs no lease.
 */
final class FencedPartitionCheckpointStore extends FencedTransactionalCheckpointStore
		implements PartitionCheckpointStore {

	private final PartitionCheckpointStore partitions;

	FencedPartitionCheckpointStore(PartitionCheckpointStore delegate, @Nullable LeaseGuard guard, LeaseStore leases) {
		super(delegate, guard, leases);
		this.partitions = delegate;
	}

	@Override
	public Optional<PartitionCheckpoints> loadPartitions(String subscriptionId) {
		return this.partitions.loadPartitions(subscriptionId);
	}

	@Override
	public boolean storePartitionIfBehind(String subscriptionId, int partition, int partitionCount,
			Checkpoint checkpoint) {
		return fenced("partition " + partition + " checkpoint " + checkpoint,
				() -> this.partitions.storePartitionIfBehind(subscriptionId, partition, partitionCount, checkpoint));
	}

	@Override
	public void resetPartitions(String subscriptionId) {
		fenced("the partition positions reset", () -> {
			this.partitions.resetPartitions(subscriptionId);
			return null;
		});
	}

}
