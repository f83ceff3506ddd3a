package io.github.esdb.subscription.coordination;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.PartitionCheckpointStore;
import io.github.esdb.subscription.TransactionalCheckpointStore;

/**
 * A coordinated subscription's checkpoint store: every write is made under the lease the container was started
 * with, refused once this instance lost it or its local deadline passed, and fenced by the lease store (in the same
 * transaction as the write for the JDBC store). Without a lease (the container built only to check the declaration
 * at start-up) it writes nothing.
 */
class FencedCheckpointStore implements CheckpointStore {

	final CheckpointStore delegate;

	final @Nullable LeaseGuard guard;

	final LeaseStore leases;

	FencedCheckpointStore(CheckpointStore delegate, @Nullable LeaseGuard guard, LeaseStore leases) {
		this.delegate = delegate;
		this.guard = guard;
		this.leases = leases;
	}

	static FencedCheckpointStore of(CheckpointStore delegate, @Nullable LeaseGuard guard, LeaseStore leases) {
		if (delegate instanceof PartitionCheckpointStore partitions) {
			return new FencedPartitionCheckpointStore(partitions, guard, leases);
		}
		if (delegate instanceof TransactionalCheckpointStore transactional) {
			return new FencedTransactionalCheckpointStore(transactional, guard, leases);
		}
		return new FencedCheckpointStore(delegate, guard, leases);
	}

	@Override
	public Optional<Checkpoint> load(String subscriptionId) {
		return this.delegate.load(subscriptionId);
	}

	@Override
	public void store(String subscriptionId, Checkpoint checkpoint) {
		fenced("checkpoint " + checkpoint, () -> {
			this.delegate.store(subscriptionId, checkpoint);
			return null;
		});
	}

	/**
	 * A pending write (one that failed and is retried on flush) lands only under the lease in force; once the lease
	 * is lost it is not written (the refusal says so), since the next owner, or a reset, may have moved the
	 * checkpoint on meanwhile. Without a lease nothing was stored, so there is nothing to flush.
	 */
	@Override
	public void flush(String subscriptionId) {
		if (this.guard == null) {
			return;
		}
		fenced("the pending checkpoint", () -> {
			this.delegate.flush(subscriptionId);
			return null;
		});
	}

	@Override
	public void reset(String subscriptionId) {
		fenced("the checkpoint reset", () -> {
			this.delegate.reset(subscriptionId);
			return null;
		});
	}

	<T> T fenced(String what, java.util.function.Supplier<T> write) {
		LeaseGuard held = this.guard;
		if (held == null) {
			throw new LeaseLostException("Refused " + what + ": the subscription holds no lease");
		}
		held.check(what);
		return this.leases.fenced(held.lease(), write,
				() -> held.lose("a checkpoint commit found that another instance took the lease over"));
	}

	@Override
	public String toString() {
		return "Fenced[" + this.delegate + "]";
	}

}
