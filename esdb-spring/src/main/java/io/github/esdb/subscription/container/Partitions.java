package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.PartitionKeyResolver;
import io.github.esdb.subscription.Segment;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * What both kinds of subscription do with concurrency: hand each event to the partition of its key, remember the
 * first partition that ends the session (a failure, a handler's stop), and drain the partitions between sessions.
 * With concurrency 1 there are no workers and every method is a no-op, so the subscriber handles events inline.
 */
final class Partitions {

	/** Long enough for any handler; a stop that must not wait so long is cut off by the container's timeout. */
	private static final Duration DRAIN_LIMIT = Duration.ofHours(1);

	private final @Nullable PartitionWorkers workers;

	private final PartitionKeyResolver partitionKey;

	private final ContainerServices services;

	private final @Nullable Segment segment;

	/** How the session ends, set by the first partition that ends it. */
	private final AtomicReference<Subscriber.@Nullable Exit> exit = new AtomicReference<>();

	Partitions(SubscriptionEndpoint endpoint, ContainerServices services) {
		int concurrency = services.settings().concurrencyOf(endpoint);
		this.workers = (concurrency > 1)
				? new PartitionWorkers(endpoint.id(), concurrency, services.settings().maxInFlight()) : null;
		this.partitionKey = (endpoint.partitionKey() != null) ? endpoint.partitionKey()
				: PartitionKeyResolver.byStream();
		this.services = services;
		this.segment = endpoint.segment();
	}

	/**
	 * Whether an event is this segment's: its key falls in the partition of the segment's number, as it would with
	 * the subscription's concurrency in one instance.
	 * @param event the event
	 * @param context its context
	 * @return true when the endpoint is not a segment, or the event is its
	 */
	boolean inSegment(ResolvedEvent event, EventContext context) {
		Segment own = this.segment;
		return own == null || PartitionWorkers.partitionOf(keyOf(event, context), own.count()) == own.index();
	}

	private Object keyOf(ResolvedEvent event, EventContext context) {
		return this.partitionKey.partitionKey(context, () -> this.services.payloads().apply(event, context));
	}

	/**
	 * Whether events go to partitions.
	 * @return false for concurrency 1
	 */
	boolean enabled() {
		return this.workers != null;
	}

	int concurrency() {
		return (this.workers != null) ? this.workers.partitions() : 1;
	}

	int inFlight() {
		return (this.workers != null) ? this.workers.inFlight() : 0;
	}

	/**
	 * How the session ends, if a partition ended it.
	 * @return the exit, or {@code null} to go on
	 */
	Subscriber.@Nullable Exit exit() {
		return this.exit.get();
	}

	/**
	 * Before a (re)subscription: what the partitions hold from the previous session is handled (or, when its acks
	 * would go nowhere, dropped) before the new session starts, so no event runs twice at once.
	 * @param dropHeld whether to drop what has not started
	 */
	void beginSession(boolean dropHeld) {
		if (this.workers == null) {
			return;
		}
		if (dropHeld) {
			this.workers.discardQueued();
		}
		this.workers.awaitIdle(DRAIN_LIMIT);
		this.exit.set(null);
		this.workers.start(this.services.taskExecutor());
	}

	/**
	 * Hand an event to the partition of its key; waits while {@code max-in-flight} events are out.
	 * @param event the event
	 * @param context its context
	 * @param work handles it; returns how the session ends, or {@code null} to go on
	 * @param control sleeps unless a stop is requested
	 * @return false if a stop was requested while waiting
	 */
	boolean submit(ResolvedEvent event, EventContext context, Supplier<Subscriber.@Nullable Exit> work,
			SubscriptionErrorHandler.Sleeper control) {
		return submit(event, context, (partition) -> work.get(), control);
	}

	/**
	 * Hand an event to the partition of its key, telling the work which partition runs it; waits while
	 * {@code max-in-flight} events are out.
	 * @param event the event
	 * @param context its context
	 * @param work handles it in the given partition; returns how the session ends, or {@code null} to go on
	 * @param control sleeps unless a stop is requested
	 * @return false if a stop was requested while waiting
	 */
	boolean submit(ResolvedEvent event, EventContext context, IntFunction<Subscriber.@Nullable Exit> work,
			SubscriptionErrorHandler.Sleeper control) {
		PartitionWorkers partitions = this.workers;
		int partition = partitions.partitionOf(keyOf(event, context));
		return partitions.submit(partition, () -> {
			if (this.exit.get() != null) {
				// The session is ending on another key's outcome: start nothing new.
				return;
			}
			Subscriber.Exit ending = work.apply(partition);
			if (ending != null) {
				this.exit.compareAndSet(null, ending);
			}
		}, control);
	}

	/**
	 * At the end of a run: a graceful stop lets every partition finish what it holds; a session ended by a partition
	 * lets the others finish the event in hand and start nothing more.
	 */
	void endSession() {
		if (this.workers == null) {
			return;
		}
		if (this.exit.get() != null) {
			this.workers.discardQueued();
		}
		this.workers.awaitIdle(DRAIN_LIMIT);
		this.workers.close();
	}

	/**
	 * A stop timed out: drop what has not started and interrupt what runs.
	 */
	void abort() {
		if (this.workers != null) {
			this.workers.discardQueued();
			this.workers.interrupt();
		}
	}

}
