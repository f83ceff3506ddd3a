package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import io.kurrent.dbclient.ResolvedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.BatchEventDispatcher;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionObserver;

/**
 * Calls a subscription's handler for one event: with the event as the {@code CurrentEvent}, inside the handler
 * interceptors, and counts and reports the outcome (handled, or skipped when no handler takes its type). What the
 * handler throws is for the {@link SubscriptionErrorHandler}.
 */
final class HandlerInvoker {

	private static final Logger logger = LoggerFactory.getLogger(HandlerInvoker.class);

	private final SubscriptionEndpoint endpoint;

	private final ContainerServices services;

	private final SubscriptionStatistics statistics;

	/** The observers bound to this subscription: found once, not per event. */
	private final SubscriptionObserver observer;

	/** The interceptors bound to this subscription. */
	private final EventHandlerInterceptor interceptor;

	/** Whether an observer reads how long a handler took: if none does, no clock is read around the call. */
	private final boolean timed;

	private final Set<String> loggedTypes = ConcurrentHashMap.newKeySet();

	private volatile boolean loggedUnresolvedLink;

	HandlerInvoker(SubscriptionEndpoint endpoint, ContainerServices services, SubscriptionStatistics statistics) {
		this.endpoint = endpoint;
		this.services = services;
		this.statistics = statistics;
		this.observer = services.observer().forSubscription(endpoint.id());
		this.interceptor = services.interceptor().forSubscription(endpoint);
		this.timed = this.observer.usesHandlerDuration();
	}

	/**
	 * Call the handler once.
	 * @param event the event as the client delivered it
	 * @param context its context
	 * @throws Exception what the handler threw
	 */
	void invoke(ResolvedEvent event, EventContext context) throws Exception {
		// Two clock reads were about a sixth of the starter's own work per event in a fast catch-up: only for an
		// observer that reads the duration.
		long started = this.timed ? System.nanoTime() : 0;
		boolean taken = this.interceptor.intercept(this.endpoint, context, new Call(event, context));
		if (taken) {
			this.statistics.handled();
			this.observer
				.eventHandled(this.endpoint.id(), context,
						this.timed ? Duration.ofNanos(System.nanoTime() - started) : Duration.ZERO);
		}
		else {
			skipNoHandler(context);
		}
	}

	/**
	 * The rest of the interceptor chain for one event and the handler call with the event as the
	 * {@code CurrentEvent}: one object for both steps rather than a lambda for each, as this runs for every event.
	 */
	private final class Call implements EventHandlerInterceptor.Invocation, Callable<Boolean> {

		private final ResolvedEvent event;

		private final EventContext context;

		Call(ResolvedEvent event, EventContext context) {
			this.event = event;
			this.context = context;
		}

		@Override
		public boolean proceed() throws Exception {
			return HandlerInvoker.this.services.currentEvent().callWith(this.context.event(), this);
		}

		@Override
		public Boolean call() throws Exception {
			return HandlerInvoker.this.endpoint.dispatcher().dispatch(this.event, this.context);
		}

	}

	/**
	 * Count and report an event no handler takes; its type is logged once.
	 * @param context the event
	 */
	void skipNoHandler(EventContext context) {
		this.statistics.skipped();
		this.observer.eventSkipped(this.endpoint.id(), context, "no handler for its type");
		if (this.loggedTypes.add(context.eventType())) {
			logger.info("Subscription '{}' has no handler for events of type '{}' and skips them (logged once per "
					+ "type; the snapshot counts them as skipped)", this.endpoint.id(), context.eventType());
		}
	}

	/**
	 * Call a batch handler once, inside the handler interceptors (which see the batch's last event). No event is the
	 * {@code CurrentEvent} during the call: the handler holds several, each with its envelope. Counts every event as
	 * handled when the handler returns.
	 * @param dispatcher the batch handler
	 * @param items the batch
	 * @throws Exception what the handler threw
	 */
	void invokeBatch(BatchEventDispatcher dispatcher, List<EventBatcher.Item> items) throws Exception {
		long started = this.timed ? System.nanoTime() : 0;
		List<ResolvedEvent> events = items.stream().map(EventBatcher.Item::event).toList();
		List<EventContext> contexts = items.stream().map(EventBatcher.Item::context).toList();
		this.interceptor.intercept(this.endpoint, contexts.get(contexts.size() - 1), () -> {
			dispatcher.dispatchBatch(events, contexts);
			return true;
		});
		handled(items, this.timed ? Duration.ofNanos(System.nanoTime() - started) : Duration.ZERO);
	}

	/**
	 * Count events of a batch as handled.
	 * @param items the events
	 * @param took how long the handler took for all of them
	 */
	void handled(List<EventBatcher.Item> items, Duration took) {
		Duration each = items.isEmpty() ? took : took.dividedBy(items.size());
		for (EventBatcher.Item item : items) {
			this.statistics.handled();
			this.observer.eventHandled(this.endpoint.id(), item.context(), each);
		}
	}

	/**
	 * Count events skipped along with a batch that the error policy skipped as a whole (the error handler counts the
	 * first).
	 * @param items the other events of the batch
	 * @param reason why
	 */
	void skippedWithBatch(List<EventBatcher.Item> items, String reason) {
		for (EventBatcher.Item item : items) {
			this.statistics.skipped();
			this.observer.eventSkipped(this.endpoint.id(), item.context(), reason);
		}
	}

	/**
	 * Count an event of a transactional subscription whose checkpoint was already committed (a commit whose outcome
	 * the subscription did not see, or another instance of it): its transaction rolled back without calling the
	 * handler.
	 * @param context the event
	 * @param checkpoint its position
	 */
	void skipAlreadyCommitted(EventContext context, Object checkpoint) {
		this.statistics.skipped();
		this.observer.eventSkipped(this.endpoint.id(), context, "its checkpoint was already committed");
		logger.warn("Subscription '{}' did not handle {} again: the checkpoint store already holds {} or a later "
				+ "position (a commit it did not see the end of, or another instance running the same subscription)",
				this.endpoint.id(), context, checkpoint);
	}

	/**
	 * Count a link whose target was deleted, which no handler can be given, and say so once.
	 * @param link the link as delivered
	 */
	void skipUnresolvedLink(ResolvedEvent link) {
		this.statistics.skipped();
		if (!this.loggedUnresolvedLink) {
			this.loggedUnresolvedLink = true;
			logger.info("Subscription '{}' skips links whose target event was deleted, such as {}@{} (logged once; the "
					+ "snapshot counts them as skipped)", this.endpoint.id(), link.getOriginalEvent().getRevision(),
					link.getOriginalEvent().getStreamId());
		}
	}

}
