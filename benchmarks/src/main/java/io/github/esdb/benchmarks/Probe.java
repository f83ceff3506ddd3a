package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts events as a consumer sees them and lets the benchmark wait until a target count is reached. The raw
 * listeners and the starter's handlers use the same probe, so counting costs both sides the same.
 */
final class Probe {

	private final AtomicLong count = new AtomicLong();

	private volatile long target = Long.MAX_VALUE;

	private volatile CountDownLatch reached = new CountDownLatch(1);

	/**
	 * Start counting from zero towards a target.
	 * @param target the count to wait for
	 */
	void arm(long target) {
		this.reached = new CountDownLatch(1);
		this.count.set(0);
		this.target = target;
	}

	/** Count one event. */
	void hit() {
		if (this.count.incrementAndGet() == this.target) {
			this.reached.countDown();
		}
	}

	/**
	 * Wait until the target is reached.
	 * @param timeout how long to wait at most
	 * @param what what is being counted, for the error message
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if the target is not reached in time
	 */
	void await(Duration timeout, String what) throws InterruptedException {
		if (!this.reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException(what + ": only " + this.count.get() + " of " + this.target
					+ " events arrived within " + timeout);
		}
	}

}
