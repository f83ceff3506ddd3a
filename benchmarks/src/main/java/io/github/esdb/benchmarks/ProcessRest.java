package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Waits before a measured variant until the process is at rest: the CPU the whole process used over a short window
 * stays under a tenth of one core. What the previous step left running would otherwise be charged to whichever
 * variant comes next: the JIT compiling what the step before ran for the first time (up to run 13, when each round
 * started new application contexts, two to three seconds of compilation in the first variant of a round, whichever
 * side it was), the collector's concurrent work on the previous variant's garbage, subscriptions still stopping.
 */
final class ProcessRest {

	/** How long each look at the process's CPU lasts. */
	static final Duration WINDOW = Duration.ofMillis(200);

	/** The CPU a window may use and still count as rest: a tenth of one core. */
	static final long IDLE_NANOS_PER_WINDOW = WINDOW.toNanos() / 10;

	private final LongSupplier processCpuNanos;

	private final LongSupplier nanoTime;

	private final Sleeper sleeper;

	private final Duration limit;

	/**
	 * Create a rest with its own clocks, for tests; {@link #ofThisJvm()} gives this JVM's.
	 * @param processCpuNanos the CPU the whole process used so far
	 * @param nanoTime the clock
	 * @param sleeper waits one window
	 * @param limit how long to wait at most: a process that never rests is measured anyway, and says so
	 */
	ProcessRest(LongSupplier processCpuNanos, LongSupplier nanoTime, Sleeper sleeper, Duration limit) {
		this.processCpuNanos = processCpuNanos;
		this.nanoTime = nanoTime;
		this.sleeper = sleeper;
		this.limit = limit;
	}

	/**
	 * The rest of this JVM, waiting ten seconds at most.
	 * @return the rest
	 */
	static ProcessRest ofThisJvm() {
		return new ProcessRest(StarterOverheadBenchmark::processCpuNanos, System::nanoTime, Thread::sleep,
				Duration.ofSeconds(10));
	}

	/**
	 * Wait until a window passes with the process at rest, or the limit.
	 * @return how long it waited and whether the process came to rest
	 * @throws InterruptedException if interrupted while waiting
	 */
	Outcome await() throws InterruptedException {
		long start = this.nanoTime.getAsLong();
		long cpu = this.processCpuNanos.getAsLong();
		while (true) {
			this.sleeper.sleep(WINDOW.toMillis());
			long cpuNow = this.processCpuNanos.getAsLong();
			Duration waited = Duration.ofNanos(this.nanoTime.getAsLong() - start);
			if (cpuNow - cpu < IDLE_NANOS_PER_WINDOW) {
				return new Outcome(waited, true);
			}
			if (waited.compareTo(this.limit) >= 0) {
				return new Outcome(waited, false);
			}
			cpu = cpuNow;
		}
	}

	/**
	 * What a wait found.
	 * @param waited how long it took
	 * @param rested whether the process came to rest within the limit
	 */
	record Outcome(Duration waited, boolean rested) {
	}

	/** Waits a number of milliseconds ({@link Thread#sleep(long)} outside tests). */
	@FunctionalInterface
	interface Sleeper {

		/**
		 * Wait.
		 * @param millis how long
		 * @throws InterruptedException if interrupted while waiting
		 */
		void sleep(long millis) throws InterruptedException;

	}

}
