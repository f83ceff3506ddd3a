package io.github.esdb.subscription.container;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.BatchEventDispatcher;
import io.github.esdb.subscription.BatchHandlerFailedException;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * A catch-up subscription's batch handler: gathers the events it accepts into batches and hands each batch over
 * in one call (in one transaction that also writes the batch's last checkpoint, when transactional). The error
 * policy applies to a failed batch as a whole, in place, like a single event; a {@link BatchHandlerFailedException}
 * splits the batch: the events before the failed one are kept (committed again on their own when the failed call
 * rolled back), the failed one goes through the policy alone, and the rest is handed over as a new batch.
 */
final class CatchUpBatchHandling {

	private static final Logger logger = LoggerFactory.getLogger(CatchUpBatchHandling.class);

	private final SubscriptionEndpoint endpoint;

	private final BatchEventDispatcher dispatcher;

	private final EventBatcher batcher;

	private final CheckpointCommitter committer;

	private final SubscriptionErrorHandler errorHandler;

	private final HandlerInvoker invoker;

	private final @Nullable TransactionalHandling transactional;

	private final Parker parker;

	/** Held around each call of the handler, so that a replay of parked events never runs alongside it. */
	private final Object handlerLock;

	CatchUpBatchHandling(SubscriptionEndpoint endpoint, BatchEventDispatcher dispatcher, EventBatcher batcher,
			CheckpointCommitter committer, SubscriptionErrorHandler errorHandler, HandlerInvoker invoker,
			@Nullable TransactionalHandling transactional, Parker parker, Object handlerLock) {
		this.endpoint = endpoint;
		this.dispatcher = dispatcher;
		this.batcher = batcher;
		this.committer = committer;
		this.errorHandler = errorHandler;
		this.invoker = invoker;
		this.transactional = transactional;
		this.parker = parker;
		this.handlerLock = handlerLock;
	}

	/** Parks an event the error policy decided to park (in the subscription's dead-letter stream). */
	@FunctionalInterface
	interface Parker {

		/**
		 * Park the event if the outcome says so.
		 * @param outcome what the error policy decided
		 * @param item the event
		 * @return {@code null} when there was nothing to park or it is parked, else how the session ends
		 */
		Subscriber.@Nullable Exit parkIfAsked(SubscriptionErrorHandler.Outcome outcome, EventBatcher.Item item);

	}

	/**
	 * The batch handling of a subscription, if its handler is a batch handler.
	 * @return {@code null} for a handler of single events
	 */
	static @Nullable CatchUpBatchHandling of(SubscriptionEndpoint endpoint, ContainerServices services,
			CheckpointCommitter committer, SubscriptionErrorHandler errorHandler, HandlerInvoker invoker,
			@Nullable TransactionalHandling transactional, Parker parker, Object handlerLock) {
		if (!(endpoint.dispatcher() instanceof BatchEventDispatcher dispatcher)) {
			return null;
		}
		rejectConcurrency(endpoint, services);
		return new CatchUpBatchHandling(endpoint, dispatcher,
				new EventBatcher(services.settings().batch().of(endpoint, dispatcher), System::nanoTime), committer,
				errorHandler, invoker, transactional, parker, handlerLock);
	}

	/**
	 * Batches are cut in log order by one worker; partitions would each need their own.
	 * @param endpoint the subscription
	 * @param services the container services
	 */
	static void rejectConcurrency(SubscriptionEndpoint endpoint, ContainerServices services) {
		int concurrency = services.settings().concurrencyOf(endpoint);
		if (concurrency > 1) {
			throw new io.github.esdb.subscription.InvalidSubscriptionException(endpoint.source()
					+ ": a batch handler with concurrency " + concurrency + " is not available: one worker cuts the "
					+ "batches in log order", "set the concurrency to 1 (the annotation's concurrency, "
							+ "esdb.subscriptions.by-id." + endpoint.id() + ".concurrency=1, or "
							+ "esdb.subscriptions.concurrency), or use a handler of single events for concurrency");
		}
	}

	/**
	 * How long the worker may wait for a message before the pending batch is due.
	 * @param idle its usual wait
	 * @return the wait in milliseconds
	 */
	long pollMillis(long idle) {
		return this.batcher.pollMillis(idle);
	}

	/**
	 * Take an event: into the batch when the handler accepts it, else past it as a skipped event.
	 * @return how the session ends, or {@code null} to go on
	 */
	Subscriber.@Nullable Exit add(EventBatcher.Item item, SubscriptionErrorHandler.Sleeper control) {
		if (!this.dispatcher.accepts(item.context())) {
			this.invoker.skipNoHandler(item.context());
			this.committer.pass(item.checkpoint());
			return null;
		}
		this.committer.start(item.checkpoint());
		return this.batcher.add(item) ? flush(control) : null;
	}

	/**
	 * Hand the pending batch over if it is full or old enough.
	 * @return how the session ends, or {@code null} to go on
	 */
	Subscriber.@Nullable Exit flushIfReady(SubscriptionErrorHandler.Sleeper control) {
		return this.batcher.isReady() ? flush(control) : null;
	}

	/**
	 * Hand the pending batch over now.
	 * @return how the session ends, or {@code null} to go on
	 */
	Subscriber.@Nullable Exit flush(SubscriptionErrorHandler.Sleeper control) {
		List<EventBatcher.Item> batch = this.batcher.take();
		if (batch.isEmpty()) {
			return null;
		}
		Subscriber.Exit exit = run(batch, control);
		this.committer.commitIfDue();
		return exit;
	}

	/**
	 * A new session delivers again what was gathered and not handed over.
	 */
	void clear() {
		this.batcher.clear();
	}

	private Subscriber.@Nullable Exit run(List<EventBatcher.Item> batch, SubscriptionErrorHandler.Sleeper control) {
		List<EventBatcher.Item> remaining = batch;
		while (!remaining.isEmpty()) {
			List<EventBatcher.Item> current = remaining;
			remaining = List.of();
			BatchHandlerFailedException[] failedAt = new BatchHandlerFailedException[1];
			Checkpoint[] committedBefore = new Checkpoint[1];
			SubscriptionErrorHandler.Outcome outcome = this.errorHandler.handleInPlace(() -> {
				failedAt[0] = null;
				committedBefore[0] = null;
				try {
					committedBefore[0] = call(current);
				}
				catch (BatchHandlerFailedException ex) {
					if (ex.getIndex() >= current.size()) {
						throw new IllegalStateException("The batch handler named event " + ex.getIndex()
								+ " as failed, but the batch holds " + current.size() + " events", ex);
					}
					failedAt[0] = ex;
				}
			}, current.get(0).context(), control);
			if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
				return Subscriber.Exit.failed(failed.cause());
			}
			if (outcome instanceof SubscriptionErrorHandler.Stopped) {
				return Subscriber.Exit.stop();
			}
			if (outcome instanceof SubscriptionErrorHandler.Park) {
				// The policy parks the batch as a whole: each event goes to the dead-letter stream, then is passed.
				for (EventBatcher.Item item : current) {
					Subscriber.Exit exit = this.parker.parkIfAsked(outcome, item);
					if (exit != null) {
						return exit;
					}
					this.committer.finish(item.checkpoint());
				}
				continue;
			}
			if (outcome instanceof SubscriptionErrorHandler.Skipped) {
				// The policy skipped the batch as a whole; the error handler counted its first event.
				this.invoker.skippedWithBatch(current.subList(1, current.size()), "skipped with its batch");
				current.forEach((item) -> this.committer.finish(item.checkpoint()));
				continue;
			}
			if (committedBefore[0] != null) {
				remaining = skipCommitted(current, committedBefore[0]);
				continue;
			}
			BatchHandlerFailedException failure = failedAt[0];
			if (failure == null) {
				finished(current);
				continue;
			}
			int index = failure.getIndex();
			List<EventBatcher.Item> head = current.subList(0, index);
			if (!head.isEmpty()) {
				if (this.transactional != null) {
					// The failed call rolled back the head's work with the rest: it commits on its own now.
					Subscriber.Exit exit = run(head, control);
					if (exit != null) {
						return exit;
					}
				}
				else {
					this.invoker.handled(head, java.time.Duration.ZERO);
					head.forEach((item) -> this.committer.finish(item.checkpoint()));
				}
			}
			Subscriber.Exit exit = runFailed(current.get(index), failure, control);
			if (exit != null) {
				return exit;
			}
			remaining = current.subList(index + 1, current.size());
		}
		return null;
	}

	/**
	 * One call of the handler, in a transaction with the batch's checkpoint when transactional.
	 * @return {@code null} when handled; the stored checkpoint when a transactional batch was committed before
	 */
	private @Nullable Checkpoint call(List<EventBatcher.Item> batch) throws Exception {
		if (this.transactional == null) {
			invokeAlone(batch);
			return null;
		}
		return this.transactional.handleBatch(batch.get(0).checkpoint(), batch.get(batch.size() - 1).checkpoint(),
				() -> invokeAlone(batch));
	}

	private void invokeAlone(List<EventBatcher.Item> batch) throws Exception {
		synchronized (this.handlerLock) {
			this.invoker.invokeBatch(this.dispatcher, batch);
		}
	}

	private void finished(List<EventBatcher.Item> batch) {
		batch.forEach((item) -> this.committer.finish(item.checkpoint()));
		if (this.transactional != null) {
			this.committer.committedInTransaction(batch.get(batch.size() - 1).checkpoint());
		}
	}

	/**
	 * Events at or before the stored checkpoint were committed before (a commit whose outcome was lost, another
	 * instance): they are passed over; the rest is handed over again.
	 * @return the events after the stored checkpoint
	 */
	private List<EventBatcher.Item> skipCommitted(List<EventBatcher.Item> batch, Checkpoint stored) {
		int next = 0;
		while (next < batch.size() && !batch.get(next).checkpoint().isAfter(stored)) {
			EventBatcher.Item item = batch.get(next);
			this.invoker.skipAlreadyCommitted(item.context(), item.checkpoint());
			this.committer.finish(item.checkpoint());
			next++;
		}
		if (next > 0) {
			this.committer.committedInTransaction(batch.get(next - 1).checkpoint());
		}
		return batch.subList(next, batch.size());
	}

	/**
	 * The failed event alone through the error policy: its first failure is the one the batch reported, then the
	 * policy's retries call the handler with a batch of one.
	 */
	private Subscriber.@Nullable Exit runFailed(EventBatcher.Item item, BatchHandlerFailedException failure,
			SubscriptionErrorHandler.Sleeper control) {
		EventContext context = item.context();
		logger.debug("Subscription '{}': the batch handler reported {} as failed", this.endpoint.id(), context);
		boolean[] reported = new boolean[1];
		Checkpoint[] committedBefore = new Checkpoint[1];
		SubscriptionErrorHandler.Outcome outcome = this.errorHandler.handleInPlace(() -> {
			if (!reported[0]) {
				reported[0] = true;
				throw causeOf(failure);
			}
			try {
				committedBefore[0] = call(List.of(item));
			}
			catch (BatchHandlerFailedException ex) {
				throw causeOf(ex);
			}
		}, context, control);
		if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
			return Subscriber.Exit.failed(failed.cause());
		}
		if (outcome instanceof SubscriptionErrorHandler.Stopped) {
			return Subscriber.Exit.stop();
		}
		if (outcome instanceof SubscriptionErrorHandler.Park) {
			Subscriber.Exit exit = this.parker.parkIfAsked(outcome, item);
			if (exit != null) {
				return exit;
			}
			this.committer.finish(item.checkpoint());
			return null;
		}
		if (outcome instanceof SubscriptionErrorHandler.Handled && committedBefore[0] != null) {
			skipCommitted(List.of(item), committedBefore[0]);
			return null;
		}
		this.committer.finish(item.checkpoint());
		if (outcome instanceof SubscriptionErrorHandler.Handled && this.transactional != null) {
			this.committer.committedInTransaction(item.checkpoint());
		}
		return null;
	}

	/**
	 * What the handler said made the event fail, for the error policy to judge.
	 */
	static Exception causeOf(BatchHandlerFailedException failure) {
		Throwable cause = failure.getCause();
		if (cause instanceof Exception exception) {
			return exception;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return failure;
	}

}
