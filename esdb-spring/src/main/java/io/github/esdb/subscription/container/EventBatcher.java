package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.BatchSettings;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;

/**
 * Gathers a batch handler's events on the worker thread: a batch is ready when it holds {@code size} events or when
 * {@code maxWait} passed since its first event arrived. It only gathers; handing the batch over is the subscriber's.
 * Nothing here touches the session, so the hand-over from the client to the worker may change without it.
 */
final class EventBatcher {

	/**
	 * One event of a batch.
	 * @param event the event as delivered
	 * @param context its context
	 * @param checkpoint its position in what the subscription reads
	 * @param subscription the persistent subscription that delivered it, {@code null} for catch-up
	 * @param replayed whether it is a parked event replayed (persistent), which does not move the position
	 */
	record Item(ResolvedEvent event, EventContext context, Checkpoint checkpoint,
			@Nullable PersistentSubscription subscription, boolean replayed) {
	}

	private final int size;

	private final long maxWaitNanos;

	private final LongSupplier nanoClock;

	private List<Item> pending = new ArrayList<>();

	private long firstNanos;

	EventBatcher(BatchSettings settings, LongSupplier nanoClock) {
		this.size = Math.max(1, settings.size());
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : 0;
		this.nanoClock = nanoClock;
	}

	/**
	 * The most events in one batch.
	 * @return the size
	 */
	int size() {
		return this.size;
	}

	/**
	 * Add an event.
	 * @param item the event
	 * @return true if the batch is ready now
	 */
	boolean add(Item item) {
		if (this.pending.isEmpty()) {
			this.firstNanos = this.nanoClock.getAsLong();
		}
		this.pending.add(item);
		return isReady();
	}

	/**
	 * Whether the batch is full or its first event waited long enough.
	 * @return false when empty
	 */
	boolean isReady() {
		return !this.pending.isEmpty() && (this.pending.size() >= this.size
				|| this.nanoClock.getAsLong() - this.firstNanos >= this.maxWaitNanos);
	}

	/**
	 * How long the worker may wait for the next message before this batch is due.
	 * @param idle how long it waits when nothing is pending
	 * @return at most {@code idle}, at least 1 ms
	 */
	long pollMillis(long idle) {
		if (this.pending.isEmpty()) {
			return idle;
		}
		long left = this.maxWaitNanos - (this.nanoClock.getAsLong() - this.firstNanos);
		return Math.max(1, Math.min(idle, Duration.ofNanos(left).toMillis()));
	}

	/**
	 * Take the batch gathered so far.
	 * @return the events, oldest first; empty when none
	 */
	List<Item> take() {
		List<Item> batch = this.pending;
		this.pending = new ArrayList<>();
		return batch;
	}

	/**
	 * Forget what was gathered (a new session delivers it again).
	 */
	void clear() {
		this.pending = new ArrayList<>();
	}

}
