package io.github.esdb.subscription.coordination;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.TransactionalCheckpointStore;

/**
 * The fenced form of a store whose writes join a handler's transaction: the lease check joins it too, so a handler's
 * read-model work commits only while the lease it started under is in force.
 */
class FencedTransactionalCheckpointStore extends FencedCheckpointStore implements TransactionalCheckpointStore {

	private final TransactionalCheckpointStore transactional;

	FencedTransactionalCheckpointStore(TransactionalCheckpointStore delegate, @Nullable LeaseGuard guard,
			LeaseStore leases) {
		super(delegate, guard, leases);
		this.transactional = delegate;
	}

	@Override
	public @Nullable String cannotJoin(PlatformTransactionManager transactionManager) {
		return this.transactional.cannotJoin(transactionManager);
	}

	@Override
	public boolean storeIfBehind(String subscriptionId, Checkpoint checkpoint) {
		return fenced("checkpoint " + checkpoint, () -> this.transactional.storeIfBehind(subscriptionId, checkpoint));
	}

}
