package io.github.esdb.subscription.container;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.subscription.PartitionCheckpointStore;
import io.github.esdb.subscription.PartitionCheckpoints;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.TransactionalCheckpointStore;

/**
 * Runs each handler call of a transactional catch-up subscription in a transaction that first writes the event's
 * checkpoint, then calls the handler: the handler's work in that database and the position commit together or not
 * at all. Writing the checkpoint first locks it for the transaction, and finds an event whose checkpoint is already
 * stored (a commit whose outcome was lost, another instance of the subscription): such an event is rolled back
 * without calling the handler. Built only after checking that the subscription can have it: start-up fails
 * otherwise, with a message that says why and what to change, rather than falling back to at least once.
 */
final class TransactionalHandling {

	private final String subscriptionId;

	private final TransactionalCheckpointStore store;

	private final TransactionTemplate transactions;

	/** How many partitions commit their own positions; 1 when the subscription's checkpoint is written instead. */
	private final int partitionCount;

	private TransactionalHandling(String subscriptionId, TransactionalCheckpointStore store,
			PlatformTransactionManager transactionManager, int partitionCount) {
		this.subscriptionId = subscriptionId;
		this.store = store;
		this.partitionCount = partitionCount;
		this.transactions = new TransactionTemplate(transactionManager);
		this.transactions.setName("esdb-subscription-" + subscriptionId);
	}

	/**
	 * The transactional handling of a subscription, after checking that it can work.
	 * @param endpoint the subscription
	 * @param services the container services
	 * @param store the subscription's checkpoint store
	 * @return {@code null} when the subscription is not transactional
	 * @throws InvalidSubscriptionException when it is but cannot be: persistent, concurrent, a store that cannot
	 * join the transaction, no transaction manager, or one on another database
	 */
	static @Nullable TransactionalHandling of(SubscriptionEndpoint endpoint, ContainerServices services,
			CheckpointStore store) {
		if (!services.settings().transactionalOf(endpoint)) {
			return null;
		}
		rejectPersistent(endpoint, services);
		String subject = endpoint.source() + ": transactional (exactly once)";
		int concurrency = services.settings().concurrencyOf(endpoint);
		if (concurrency > 1 && store instanceof TransactionalCheckpointStore
				&& !(store instanceof PartitionCheckpointStore)) {
			throw new InvalidSubscriptionException(subject + " with concurrency " + concurrency + ", but its "
					+ "checkpoint store (" + describe(endpoint, store) + ") keeps no position per partition: the "
					+ "partitions commit out of log order, and one position cannot say which events committed. Use the "
					+ "JDBC store (esdb.subscriptions.checkpoint.store=jdbc) or a PartitionCheckpointStore, or set the "
					+ "concurrency to 1 (esdb.subscriptions.by-id." + endpoint.id() + ".concurrency=1)");
		}
		if (!(store instanceof TransactionalCheckpointStore transactional)) {
			throw new InvalidSubscriptionException(subject + ", but its checkpoint store ("
					+ describe(endpoint, store) + ") cannot write in the handler's transaction: the checkpoint would "
					+ "commit separately, and a crash in between would apply an event twice. Keep the checkpoints in "
					+ "the read model's database with the JDBC store: esdb.subscriptions.checkpoint.store=jdbc, or "
					+ "esdb.subscriptions.by-id." + endpoint.id() + ".checkpoint-store=jdbc for this subscription only "
					+ "(or name a TransactionalCheckpointStore bean in checkpointStore)");
		}
		String managerName = services.settings().transactionManagerOf(endpoint);
		PlatformTransactionManager transactionManager;
		try {
			transactionManager = services.transactionManagers().apply(managerName);
		}
		catch (RuntimeException ex) {
			throw new InvalidSubscriptionException(subject + ", but " + ex.getMessage(), ex);
		}
		String problem = transactional.cannotJoin(transactionManager);
		if (problem != null) {
			throw new InvalidSubscriptionException(subject + ", but " + problem + ". Use one database for both: "
					+ "esdb.subscriptions.checkpoint.store=jdbc keeps the checkpoints on the application's DataSource; "
					+ "name the transaction manager of that DataSource with transactionManager = \"...\" (or "
					+ "esdb.subscriptions.by-id." + endpoint.id() + ".transaction-manager), or declare a "
					+ "JdbcCheckpointStore bean on the read model's DataSource and name it in checkpointStore");
		}
		return new TransactionalHandling(endpoint.checkpointId(), transactional, transactionManager, concurrency);
	}

	/**
	 * The store as the committer uses it, outside any handler's transaction: for positions no handler call committed
	 * (events passed or skipped), written only when the stored checkpoint is behind them, so a commit outside a
	 * transaction never moves the checkpoint backwards past what a transaction committed.
	 * @return the guarded store
	 */
	CheckpointStore outsideTransactions() {
		TransactionalCheckpointStore delegate = this.store;
		return new CheckpointStore() {

			@Override
			public java.util.Optional<Checkpoint> load(String subscriptionId) {
				return delegate.load(subscriptionId);
			}

			@Override
			public void store(String subscriptionId, Checkpoint checkpoint) {
				delegate.storeIfBehind(subscriptionId, checkpoint);
			}

			@Override
			public void flush(String subscriptionId) {
				delegate.flush(subscriptionId);
			}

			@Override
			public void reset(String subscriptionId) {
				delegate.reset(subscriptionId);
			}

		};
	}

	/**
	 * Fail a persistent subscription that is transactional, by its declaration or by a property.
	 * @param endpoint the subscription
	 * @param services the container services
	 * @throws InvalidSubscriptionException if it is persistent and transactional
	 */
	static void rejectPersistent(SubscriptionEndpoint endpoint, ContainerServices services) {
		if (endpoint.kind() == SubscriptionKind.PERSISTENT && services.settings().transactionalOf(endpoint)) {
			throw new InvalidSubscriptionException(endpoint.source() + ": transactional (exactly once) applies to "
					+ "catch-up subscriptions, whose checkpoint can commit with the handler's work; the position of a "
					+ "persistent subscription (group '" + endpoint.group() + "') is kept by the server. Remove "
					+ "transactional (or esdb.subscriptions.by-id." + endpoint.id() + ".transactional), or the group");
		}
	}

	private static String describe(SubscriptionEndpoint endpoint, CheckpointStore store) {
		String type = store.getClass().getSimpleName();
		return (endpoint.checkpointStore() != null) ? "bean '" + endpoint.checkpointStore() + "', a " + type : type;
	}

	/**
	 * In one transaction: write the event's checkpoint, then call the handler. The transaction rolls back when the
	 * handler throws (and the error handler may call this again, in a new transaction), and when the checkpoint is
	 * already at or after the event, in which case the handler is not called.
	 * @param checkpoint the event's position
	 * @param handler the handler call
	 * @return true if the handler ran and committed with the checkpoint, false if the event was committed before
	 * @throws Exception what the handler threw, or why the transaction could not commit
	 */
	boolean handle(Checkpoint checkpoint, SubscriptionErrorHandler.Attempt handler) throws Exception {
		return handleBatch(checkpoint, checkpoint, handler) == null;
	}

	/**
	 * In one transaction: write the checkpoint of a batch's first event (which locks the checkpoint and finds a batch
	 * committed before), then its last event's, then call the handler. The read model's writes of the whole batch
	 * and the last event's position commit together.
	 * @param first the position of the batch's first event
	 * @param last the position of its last event (the same for one event)
	 * @param handler the handler call
	 * @return {@code null} if the handler ran and committed; otherwise the stored checkpoint, at or after
	 * {@code first}, and nothing was done (the events up to it were committed before)
	 * @throws Exception what the handler threw, or why the transaction could not commit
	 */
	@Nullable Checkpoint handleBatch(Checkpoint first, Checkpoint last, SubscriptionErrorHandler.Attempt handler)
			throws Exception {
		boolean committed = inTransaction(() -> this.store.storeIfBehind(this.subscriptionId, first)
				&& (last.equals(first) || this.store.storeIfBehind(this.subscriptionId, last)), handler);
		if (committed) {
			return null;
		}
		// Committed before, by a run whose outcome was lost or another instance: read how far it got.
		return this.store.load(this.subscriptionId).orElse(first);
	}

	/**
	 * In one transaction: write a position, then, if it was behind, call the handler.
	 * @return true if the handler ran and committed; false if the position was not behind (rolled back)
	 */
	private boolean inTransaction(java.util.function.BooleanSupplier position, SubscriptionErrorHandler.Attempt handler)
			throws Exception {
		try {
			Boolean committed = this.transactions.execute((status) -> {
				if (!position.getAsBoolean()) {
					status.setRollbackOnly();
					return false;
				}
				CheckedFailure.run(handler);
				return true;
			});
			return Boolean.TRUE.equals(committed);
		}
		catch (CheckedFailure ex) {
			throw (Exception) ex.getCause();
		}
	}

	/**
	 * In one transaction: run the reset handlers (which clear the read model), then replace the checkpoint, even with
	 * one behind it, and forget the partition positions. All commit, or nothing does.
	 * @param checkpoint the checkpoint to store
	 * @param handlers the reset handlers
	 * @throws Exception what the handlers threw, or why the transaction could not commit
	 */
	void reset(Checkpoint checkpoint, SubscriptionErrorHandler.Attempt handlers) throws Exception {
		try {
			this.transactions.executeWithoutResult((status) -> {
				CheckedFailure.run(handlers);
				this.store.store(this.subscriptionId, checkpoint);
				// Partition positions ahead of the new checkpoint would make the partitions skip the replay.
				if (this.store instanceof PartitionCheckpointStore partitions) {
					partitions.resetPartitions(this.subscriptionId);
				}
			});
		}
		catch (CheckedFailure ex) {
			throw (Exception) ex.getCause();
		}
	}

	/**
	 * In one transaction: write the event's position as its partition's, then call the handler; the subscription's
	 * own checkpoint is written outside, by the committer, once every event before it finished.
	 * @param partition the event's partition
	 * @param checkpoint the event's position
	 * @param handler the handler call
	 * @return true if the handler ran and committed, false if the partition committed the event before
	 * @throws Exception what the handler threw, or why the transaction could not commit
	 */
	boolean handleInPartition(int partition, Checkpoint checkpoint, SubscriptionErrorHandler.Attempt handler)
			throws Exception {
		PartitionCheckpointStore partitions = (PartitionCheckpointStore) this.store;
		return inTransaction(
				() -> partitions.storePartitionIfBehind(this.subscriptionId, partition, this.partitionCount, checkpoint),
				handler);
	}

	/**
	 * At start, before resuming from the subscription's checkpoint: partition positions written under another
	 * partition count cannot say which events committed, as the events are assigned to partitions anew. When none is
	 * after the checkpoint (a graceful stop commits every finished event), they are forgotten; otherwise the
	 * subscription cannot resume safely, and says how to go on.
	 * @param stored the subscription's checkpoint
	 * @throws InvalidSubscriptionException when partition positions of another count are after it
	 */
	void checkPartitions(@Nullable Checkpoint stored) {
		if (!(this.store instanceof PartitionCheckpointStore partitions)) {
			return;
		}
		PartitionCheckpoints written = partitions.loadPartitions(this.subscriptionId).orElse(null);
		if (written == null || written.partitionCount() == this.partitionCount) {
			return;
		}
		Checkpoint furthest = written.furthest();
		if (furthest != null && furthest.isAfter(stored)) {
			throw new InvalidSubscriptionException("Subscription '" + this.subscriptionId + "' committed events in "
					+ written.partitionCount() + " partitions up to " + furthest + ", after its checkpoint "
					+ ((stored != null) ? stored : "(none)") + ", and now runs with " + this.partitionCount
					+ " partition(s): the events in between would go to other partitions, which cannot tell whether "
					+ "they committed", "start it once more with concurrency " + written.partitionCount()
							+ " and stop it gracefully (which commits the checkpoint past every finished event), then "
							+ "change the concurrency");
		}
		partitions.resetPartitions(this.subscriptionId);
	}

	/**
	 * Forget the partition positions with the subscription's checkpoint (a checkpoint after the end of the log).
	 */
	void resetPartitions() {
		if (this.partitionCount > 1 && this.store instanceof PartitionCheckpointStore partitions) {
			partitions.resetPartitions(this.subscriptionId);
		}
	}

	/** Carries a checked handler exception through the transaction callback, which rolls back on it. */
	private static final class CheckedFailure extends RuntimeException {

		CheckedFailure(Exception cause) {
			super(cause);
		}

		/** Run work inside a transaction callback, a checked exception carried out as a CheckedFailure. */
		static void run(SubscriptionErrorHandler.Attempt work) {
			try {
				work.run();
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new CheckedFailure(ex);
			}
		}

	}

}
