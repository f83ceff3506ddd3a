package io.github.esdb.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs the warm-up rounds: a fixed number first, then more full-size ones while the JIT is still compiling, up to a
 * limit. On a machine with two cores, a hundred subscription threads leave the compiler threads little CPU: with two
 * fixed warm-up rounds the JIT was still compiling for a tenth to a third of the measured rounds' CPU (2-3 s C2
 * compilations of Netty's write path among them), so whichever variant ran while a large method was being compiled,
 * or after it was thrown away, came out slower. A round counts as settled when the JIT compiled for less than
 * {@link #SETTLED_SHARE} of the CPU the machine had during it ({@link CompilationMXBean#getTotalCompilationTime()},
 * which adds up every compiler thread's time). Not less: in this benchmark the JIT never goes quiet, since the raw
 * client and the starter's (which has interceptors) take turns at the same call sites in gRPC and Netty, and their
 * type checks keep failing and being compiled again; after nine rounds it still compiled for 6-12 % of the CPU.
 */
final class WarmUp {

	/** A round whose compilations took less than this share of the machine's CPU time counts as settled. */
	static final double SETTLED_SHARE = 0.10;

	private final int rounds;

	private final int settleRounds;

	private final LongSupplier compileMillis;

	private final LongSupplier nanoTime;

	private final int processors;

	/**
	 * @param rounds the fixed number of warm-up rounds
	 * @param settleRounds at most how many more rounds run while the JIT has not settled
	 * @param compileMillis the JIT's total compilation time so far, or -1 where the JVM does not measure it
	 * @param nanoTime the clock
	 * @param processors the CPUs the JVM may use
	 */
	WarmUp(int rounds, int settleRounds, LongSupplier compileMillis, LongSupplier nanoTime, int processors) {
		this.rounds = rounds;
		this.settleRounds = settleRounds;
		this.compileMillis = compileMillis;
		this.nanoTime = nanoTime;
		this.processors = processors;
	}

	/**
	 * The warm-up of this JVM.
	 * @param options the warm-up options
	 * @return the warm-up
	 */
	static WarmUp of(BenchmarkOptions options) {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		LongSupplier compileMillis = (jit != null && jit.isCompilationTimeMonitoringSupported())
				? jit::getTotalCompilationTime : () -> -1;
		return new WarmUp(options.warmUpRounds(), options.settleRounds(), compileMillis, System::nanoTime,
				Runtime.getRuntime().availableProcessors());
	}

	/**
	 * Run the warm-up rounds.
	 * @param round runs the warm-up round with the given number, from 1
	 * @param log where each round's JIT activity goes
	 * @return the JIT activity of the last round, {@code null} when no round ran
	 * @throws Exception if a round fails
	 */
	Activity run(Round round, Consumer<String> log) throws Exception {
		Activity last = null;
		int done = 0;
		// No fixed round means no warm-up at all: settling is only ever an extension of one.
		while (done < this.rounds || (last != null && done < this.rounds + this.settleRounds && !last.settled())) {
			int number = ++done;
			last = measure(() -> round.run(number));
			log.accept(String.format(Locale.ROOT, "warm-up %d: %s", number, last));
		}
		if (last != null && !last.settled() && this.settleRounds > 0) {
			log.accept(String.format(Locale.ROOT, "the JIT had not settled after %d warm-up rounds "
					+ "(--settle-rounds=%d): the measured rounds include compilation", done, this.settleRounds));
		}
		return last;
	}

	/**
	 * Measure the JIT's activity while something runs.
	 * @param work what runs, a round
	 * @return the JIT's share of the CPU during it
	 * @throws Exception if the work fails
	 */
	Activity measure(Work work) throws Exception {
		long compileBefore = this.compileMillis.getAsLong();
		long start = this.nanoTime.getAsLong();
		work.run();
		long wallMillis = (this.nanoTime.getAsLong() - start) / 1_000_000;
		long compileAfter = this.compileMillis.getAsLong();
		return new Activity((compileBefore < 0 || compileAfter < 0) ? -1 : compileAfter - compileBefore, wallMillis,
				this.processors);
	}

	/** One round of the benchmark. */
	@FunctionalInterface
	interface Round {

		/**
		 * Run the round.
		 * @param number from 1
		 * @throws Exception if a variant fails
		 */
		void run(int number) throws Exception;

	}

	/** Work whose JIT activity is measured. */
	@FunctionalInterface
	interface Work {

		/**
		 * Do the work.
		 * @throws Exception if it fails
		 */
		void run() throws Exception;

	}

	/**
	 * What the JIT did during one round.
	 *
	 * @param compileMillis the compiler threads' time, -1 where the JVM does not measure it
	 * @param wallMillis the round's wall-clock time
	 * @param processors the CPUs the JVM may use
	 */
	record Activity(long compileMillis, long wallMillis, int processors) {

		/**
		 * The JIT's share of the CPU the machine had during the round.
		 * @return from 0; 0 where the JVM does not measure compilation
		 */
		double share() {
			if (this.compileMillis < 0 || this.wallMillis <= 0) {
				return 0;
			}
			return (double) this.compileMillis / ((double) this.wallMillis * this.processors);
		}

		/**
		 * Whether the JIT has settled: a JVM that does not measure compilation counts as settled, since nothing
		 * could tell otherwise and the fixed rounds still run.
		 * @return true below {@link #SETTLED_SHARE}
		 */
		boolean settled() {
			return share() < SETTLED_SHARE;
		}

		@Override
		public String toString() {
			if (this.compileMillis < 0) {
				return String.format(Locale.ROOT, "%,d ms (this JVM does not time its JIT)",
						this.wallMillis);
			}
			return String.format(Locale.ROOT, "%,d ms, JIT compiling for %,d ms (%.1f%% of %d CPUs)%s",
					this.wallMillis, this.compileMillis, share() * 100, this.processors,
					settled() ? ", settled" : "");
		}

	}

}
