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
	 * Mark the lease lost and stop the subscription's worker; the coordinator completes the loss on its next tick.
	 */
	void lose() {
		if (!this.lost) {
			this.lost = true;
			this.onLost.run();
		}
	}

	/**
	 * Refuse a write when the lease is lost or its local deadline passed.
	 * @param what the write, for the message
	 * @throws LeaseLostException when the lease is not in force
	 */
	void check(String what) {
		if (!this.lost && expiredLocally()) {
			lose();
		}
		if (this.lost) {
			SubscriptionLease current = this.lease;
			throw new LeaseLostException("Refused " + what + " of subscription '" + current.subscriptionId()
					+ "': this instance (" + current.owner() + ") no longer holds its lease (epoch " + current.epoch()
					+ ")");
		}
	}

}
