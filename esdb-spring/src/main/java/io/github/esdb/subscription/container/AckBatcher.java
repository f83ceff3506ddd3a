package io.github.esdb.subscription.container;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the acks of a persistent subscription in batches: the protocol takes many event ids per ack message, and
 * one message per event costs a gRPC message on each side and a server round of work per event. An ack is held only
 * after its handler finished (so at-least-once holds: a crash re-delivers what was not acked), and for a short while:
 * it goes out once {@code maxPending} acks wait, once the oldest waiting ack is {@code maxDelay} old (the worker
 * wakes for it, see {@link #nanosUntilDue}; a handler on the client's thread wakes it when an ack begins to wait),
 * after a handler call that took longer than {@code maxDelay} (the next
 * one may too), before any nack (the server sees them in the order the handlers finished), and when the
 * subscription stops. Acks are not sent merely because the worker ran out of events: a worker faster than the
 * server hands over one event at a time, and an ack per hand-over was an ack per event again. Holding them costs the
 * server no room: with {@code maxPending} at most half the consumer's buffer, the server may still send the other
 * half. All calls to the subscription's ack and nack go through here, one at a time, as the client's call stream
 * needs (partitions finish on several threads).
 */
final class AckBatcher {

	private static final Logger logger = LoggerFactory.getLogger(AckBatcher.class);

	private final String subscriptionId;

	private final int maxPending;

	private final long maxDelayNanos;

	private final LongSupplier nanoClock;

	private final List<ResolvedEvent> pending = new ArrayList<>();

	private @Nullable PersistentSubscription subscription;

	private long oldestNanos;

	private volatile long lastSentNanos;

	/**
	 * Create a batcher.
	 * @param subscriptionId the subscription, for log messages
	 * @param maxPending send once this many acks wait (1 sends each ack at once)
	 * @param maxDelayNanos send at the next chance once the oldest waiting ack is this old
	 * @param nanoClock the clock
	 */
	AckBatcher(String subscriptionId, int maxPending, long maxDelayNanos, LongSupplier nanoClock) {
		this.subscriptionId = subscriptionId;
		this.maxPending = Math.max(1, maxPending);
		this.maxDelayNanos = maxDelayNanos;
		this.nanoClock = nanoClock;
	}

	/**
	 * Ack an event whose handler finished.
	 * @param subscription the subscribe call that delivered it
	 * @param event the event
	 * @param handlingNanos how long its handling took; a slow handler's ack is not held for the next one
	 * @return whether this ack began a wait (none waited before and it was not sent): whoever sends the acks that
	 * are due must then look again within {@code maxDelay}
	 */
	synchronized boolean ack(PersistentSubscription subscription, ResolvedEvent event, long handlingNanos) {
		if (this.subscription != subscription) {
			// A new subscribe call: acks of the old one are sent on it (if it still lives) before any of the new.
			flush();
			this.subscription = subscription;
		}
		long now = this.nanoClock.getAsLong();
		boolean first = this.pending.isEmpty();
		if (first) {
			this.oldestNanos = now;
		}
		this.pending.add(event);
		if (this.pending.size() >= this.maxPending || handlingNanos >= this.maxDelayNanos
				|| now - this.oldestNanos >= this.maxDelayNanos) {
			flush();
			return false;
		}
		return first;
	}

	/**
	 * Nack an event, after sending the acks that wait.
	 * @param subscription the subscribe call that delivered it
	 * @param action what the server should do with it
	 * @param reason why
	 * @param event the event
	 * @throws RuntimeException if the client could not send the nack
	 */
	synchronized void nack(PersistentSubscription subscription, NackAction action, String reason,
			ResolvedEvent event) {
		flush();
		this.subscription = subscription;
		this.lastSentNanos = this.nanoClock.getAsLong();
		subscription.nack(action, reason, event);
	}

	/**
	 * Send the acks that wait, if any. A failure is logged: the server delivers those events again.
	 * @return how many acks were sent
	 */
	synchronized int flush() {
		PersistentSubscription target = this.subscription;
		int count = this.pending.size();
		if (count == 0 || target == null) {
			return 0;
		}
		this.lastSentNanos = this.nanoClock.getAsLong();
		try {
			target.ack(this.pending.iterator());
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not ack {} event(s); the server will deliver them again: {}",
					this.subscriptionId, count, ex.toString());
		}
		finally {
			this.pending.clear();
		}
		return count;
	}

	/**
	 * Send the acks that wait if the oldest has waited {@code maxDelay}.
	 * @return how many acks were sent
	 */
	synchronized int flushIfDue() {
		if (this.pending.isEmpty() || this.nanoClock.getAsLong() - this.oldestNanos < this.maxDelayNanos) {
			return 0;
		}
		return flush();
	}

	/**
	 * How long until the acks that wait are due, so that a worker waiting for events wakes in time to send them.
	 * @return nanoseconds, 0 if due now, {@link Long#MAX_VALUE} when none wait
	 */
	synchronized long nanosUntilDue() {
		if (this.pending.isEmpty()) {
			return Long.MAX_VALUE;
		}
		return Math.max(0, this.maxDelayNanos - (this.nanoClock.getAsLong() - this.oldestNanos));
	}

	/**
	 * Forget the acks that wait: their subscribe call is gone, and the server delivers those events again.
	 * @return how many were forgotten
	 */
	synchronized int discard() {
		int count = this.pending.size();
		this.pending.clear();
		this.subscription = null;
		return count;
	}

	/**
	 * How many acks wait.
	 * @return the count
	 */
	synchronized int pending() {
		return this.pending.size();
	}

	/**
	 * When the last ack or nack was sent.
	 * @return the clock's time, 0 if none was
	 */
	long lastSentNanos() {
		return this.lastSentNanos;
	}

}
