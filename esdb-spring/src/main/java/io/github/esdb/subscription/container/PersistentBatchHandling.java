package io.github.esdb.subscription.container;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.BatchEventDispatcher;
import io.github.esdb.subscription.BatchHandlerFailedException;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * A persistent subscription's batch handler: gathers the events it accepts into batches, hands each over in one
 * call and acks the whole batch in one message after the handler returned. A failed batch gets the nack of the
 * error policy for each of its events; a {@link BatchHandlerFailedException} acks the events before the failed one,
 * nacks the failed one as the policy says for its cause, and hands the rest over as a new batch. Events not acked
 * when the consumer goes away (a crash, a stop in the middle of a batch) are delivered again by the server.
 */
final class PersistentBatchHandling {

	/** How the subscriber settles events with the server. */
	interface Settlement {

		/**
		 * Ack events, all in one message.
		 * @param items the events
		 */
		void ack(List<EventBatcher.Item> items);

		/**
		 * Nack an event (or, for {@code STOP}, end the session without a nack).
		 * @param item the event
		 * @param nack the action and reason
		 * @return how the session ends, or {@code null} to go on
		 */
		Subscriber.@Nullable Exit nack(EventBatcher.Item item, NackException nack);

		/**
		 * Skip an event no handler takes: ack it and count it.
		 * @param item the event
		 */
		void skip(EventBatcher.Item item);

	}

	private final BatchEventDispatcher dispatcher;

	private final EventBatcher batcher;

	private final SubscriptionErrorHandler errorHandler;

	private final HandlerInvoker invoker;

	private final Settlement settlement;

	private PersistentBatchHandling(BatchEventDispatcher dispatcher, EventBatcher batcher,
			SubscriptionErrorHandler errorHandler, HandlerInvoker invoker, Settlement settlement) {
		this.dispatcher = dispatcher;
		this.batcher = batcher;
		this.errorHandler = errorHandler;
		this.invoker = invoker;
		this.settlement = settlement;
	}

	/**
	 * The batch handling of a subscription, if its handler is a batch handler.
	 * @return {@code null} for a handler of single events
	 */
	static @Nullable PersistentBatchHandling of(SubscriptionEndpoint endpoint, ContainerServices services,
			SubscriptionErrorHandler errorHandler, HandlerInvoker invoker, Settlement settlement) {
		if (!(endpoint.dispatcher() instanceof BatchEventDispatcher dispatcher)) {
			return null;
		}
		CatchUpBatchHandling.rejectConcurrency(endpoint, services);
		return new PersistentBatchHandling(dispatcher,
				new EventBatcher(services.settings().batch().of(endpoint, dispatcher), System::nanoTime),
				errorHandler, invoker, settlement);
	}

	/**
	 * The most events in one batch; the consumer's buffer must hold at least that many un-acked events, or a
	 * batch would never fill.
	 * @return the batch size
	 */
	int size() {
		return this.batcher.size();
	}

	long pollMillis(long idle) {
		return this.batcher.pollMillis(idle);
	}

	/**
	 * Take an event: into the batch when the handler accepts it, else ack it as skipped.
	 * @return how the session ends, or {@code null} to go on
	 */
	Subscriber.@Nullable Exit add(EventBatcher.Item item, SubscriptionErrorHandler.Sleeper control) {
		if (!this.dispatcher.accepts(item.context())) {
			this.settlement.skip(item);
			return null;
		}
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
	 * Drop what was gathered: the session it came from is gone and the server delivers it again.
	 */
	void clear() {
		this.batcher.clear();
	}

	private Subscriber.@Nullable Exit flush(SubscriptionErrorHandler.Sleeper control) {
		List<EventBatcher.Item> remaining = this.batcher.take();
		while (!remaining.isEmpty()) {
			List<EventBatcher.Item> current = remaining;
			remaining = List.of();
			BatchHandlerFailedException[] failedAt = new BatchHandlerFailedException[1];
			SubscriptionErrorHandler.Outcome outcome = this.errorHandler.handleOnce(() -> {
				try {
					this.invoker.invokeBatch(this.dispatcher, current);
				}
				catch (BatchHandlerFailedException ex) {
					if (ex.getIndex() >= current.size()) {
						throw new IllegalStateException("The batch handler named event " + ex.getIndex()
								+ " as failed, but the batch holds " + current.size() + " events", ex);
					}
					failedAt[0] = ex;
				}
			}, current.get(0).context(), control);
			if (outcome instanceof SubscriptionErrorHandler.Stopped) {
				// Asked to stop while waiting to nack a retry: the batch stays outstanding and is delivered again.
				return Subscriber.Exit.stop();
			}
			if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
				return Subscriber.Exit.failed(failed.cause());
			}
			if (outcome instanceof SubscriptionErrorHandler.Nack nack) {
				for (EventBatcher.Item item : current) {
					Subscriber.Exit exit = this.settlement.nack(item, nack.nack());
					if (exit != null) {
						return exit;
					}
				}
				continue;
			}
			BatchHandlerFailedException failure = failedAt[0];
			if (failure == null) {
				this.settlement.ack(current);
				continue;
			}
			int index = failure.getIndex();
			List<EventBatcher.Item> head = current.subList(0, index);
			if (!head.isEmpty()) {
				this.invoker.handled(head, java.time.Duration.ZERO);
				this.settlement.ack(head);
			}
			EventBatcher.Item failedItem = current.get(index);
			SubscriptionErrorHandler.Outcome single = this.errorHandler.handleOnce(() -> {
				throw CatchUpBatchHandling.causeOf(failure);
			}, failedItem.context(), control);
			if (single instanceof SubscriptionErrorHandler.Stopped) {
				return Subscriber.Exit.stop();
			}
			if (single instanceof SubscriptionErrorHandler.Failed failed) {
				return Subscriber.Exit.failed(failed.cause());
			}
			if (single instanceof SubscriptionErrorHandler.Nack nack) {
				Subscriber.Exit exit = this.settlement.nack(failedItem, nack.nack());
				if (exit != null) {
					return exit;
				}
			}
			remaining = current.subList(index + 1, current.size());
		}
		return null;
	}

}
