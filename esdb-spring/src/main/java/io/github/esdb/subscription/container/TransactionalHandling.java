package io.github.esdb.subscription.container;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.InvalidSubscriptionException;
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

	private TransactionalHandling(String subscriptionId, TransactionalCheckpointStore store,
			PlatformTransactionManager transactionManager) {
		this.subscriptionId = subscriptionId;
		this.store = store;
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
		if (concurrency > 1) {
			throw new InvalidSubscriptionException(subject + " with concurrency " + concurrency + " is not available "
					+ "yet: each event's checkpoint commits in its handler's transaction, in log order, which "
					+ "concurrent partitions cannot do. Set the concurrency to 1 (the annotation's concurrency, "
					+ "esdb.subscriptions.by-id." + endpoint.id() + ".concurrency=1, or esdb.subscriptions.concurrency),"
					+ " or drop transactional and make the handler idempotent (at least once)");
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
		return new TransactionalHandling(endpoint.id(), transactional, transactionManager);
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
		Boolean committed;
		try {
			committed = this.transactions.execute((status) -> {
				if (!this.store.storeIfBehind(this.subscriptionId, first)) {
					status.setRollbackOnly();
					return false;
				}
				if (!last.equals(first)) {
					this.store.storeIfBehind(this.subscriptionId, last);
				}
				try {
					handler.run();
				}
				catch (RuntimeException | Error ex) {
					throw ex;
				}
				catch (Exception ex) {
					throw new CheckedFailure(ex);
				}
				return true;
			});
		}
		catch (CheckedFailure ex) {
			throw (Exception) ex.getCause();
		}
		if (Boolean.TRUE.equals(committed)) {
			return null;
		}
		// Committed before, by a run whose outcome was lost or another instance: read how far it got.
		return this.store.load(this.subscriptionId).orElse(first);
	}

	/** Carries a checked handler exception through the transaction callback, which rolls back on it. */
	private static final class CheckedFailure extends RuntimeException {

		CheckedFailure(Exception cause) {
			super(cause);
		}

	}

}
