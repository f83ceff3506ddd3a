package io.github.esdb.subscription.coordination;

import java.util.function.LongSupplier;

/**
 * One holding of a lease by this instance: the lease, the local deadline until which this instance may act on it,
 * and what to do once it is lost. The deadline is measured on the monotonic clock from the moment the last
 * successful acquire or renew request was sent, minus a safety margin, so that this instance gives up before any
 * other instance can see the lease as expired.
 */
final class LeaseGuard {

	private final LongSupplier nanoClock;

	private final Runnable onLost;

	private volatile SubscriptionLease lease;

	private volatile long deadlineNanos;

	private volatile boolean lost;

	/** Why the lease was lost first: what stopped the worker, whatever a later renewal finds. */
	private volatile String lostBecause = "";

	LeaseGuard(SubscriptionLease lease, long deadlineNanos, LongSupplier nanoClock, Runnable onLost) {
		this.lease = lease;
		this.deadlineNanos = deadlineNanos;
		this.nanoClock = nanoClock;
		this.onLost = onLost;
	}

	SubscriptionLease lease() {
		return this.lease;
	}

	void renewed(SubscriptionLease renewed, long deadlineNanos) {
		this.lease = renewed;
		this.deadlineNanos = deadlineNanos;
	}

	boolean expiredLocally() {
		return this.nanoClock.getAsLong() - this.deadlineNanos >= 0;
	}

	boolean isLost() {
		return this.lost;
	}

	/**
	 * Why the lease was lost, as first found.
	 * @return the reason, empty while it is held
	 */
	String lostBecause() {
		return this.lostBecause;
	}

	/**
	 * Mark the lease lost and stop the subscription's worker; the coordinator completes the loss on its next tick.
	 * @param reason why, for the log and the lease listeners; only the first reason is kept
	 */
	void lose(String reason) {
		synchronized (this) {
			if (this.lost) {
				return;
			}
			this.lostBecause = reason;
			this.lost = true;
		}
		this.onLost.run();
	}

	/**
	 * Refuse a write when the lease is lost or its local deadline passed.
	 * @param what the write, for the message
	 * @throws LeaseLostException when the lease is not in force
	 */
	void check(String what) {
		if (!this.lost && expiredLocally()) {
			// Not a takeover seen, but the time since the last successful renewal was sent: what fencing acts on.
			lose("no renewal succeeded within the lease TTL less a safety margin (its local deadline passed)");
		}
		if (this.lost) {
			SubscriptionLease current = this.lease;
			throw new LeaseLostException("Refused " + what + " of subscription '" + current.subscriptionId()
					+ "': this instance (" + current.owner() + ") no longer holds its lease (epoch " + current.epoch()
					+ ")");
		}
	}

}
