package io.github.esdb.subscription;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;

/**
 * A {@link CheckpointStore} whose writes can take part in the transaction of a handler call, so that a read model's
 * updates and the subscription's position commit together or not at all. A subscription declared
 * {@code transactional} needs one: each handler call then runs in a transaction of the subscription's transaction
 * manager, and the event's checkpoint is written in it with {@link #storeIfBehind}.
 *
 * @see io.github.esdb.subscription.checkpoint.JdbcCheckpointStore
 */
public interface TransactionalCheckpointStore extends CheckpointStore {

	/**
	 * Why writes of this store would not take part in transactions of a transaction manager, if they would not.
	 * @param transactionManager the subscription's transaction manager
	 * @return {@code null} when they do, otherwise the reason, for a start-up failure message
	 */
	@Nullable String cannotJoin(PlatformTransactionManager transactionManager);

	/**
	 * Store a checkpoint in the caller's transaction, unless the stored one is already at or after it. Two attempts
	 * at one event (a commit whose outcome was lost, a second instance of the subscription) thus never both commit:
	 * the later one finds the checkpoint already there, and rolls its handler's work back. The write also locks the
	 * checkpoint until the transaction ends, so such attempts wait for each other instead of racing. Called outside
	 * a transaction it commits at once, and never moves a checkpoint backwards.
	 * @param subscriptionId the subscription's id
	 * @param checkpoint the position of the event being handled
	 * @return true if written, false if the stored checkpoint is at or after it (nothing written)
	 */
	boolean storeIfBehind(String subscriptionId, Checkpoint checkpoint);

}
