package io.github.esdb.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Measures how much of the machine's CPU the JIT's compiler threads used while a round ran
 * ({@link CompilationMXBean#getTotalCompilationTime()}, which adds up every compiler thread's time): on two cores a
 * compilation competes with the code being measured, so a round in which the JIT was busy says little about either
 * side.
 */
final class JitMeter {

	private final LongSupplier compileMillis;

	private final LongSupplier nanoTime;

	private final int processors;

	/**
	 * @param compileMillis the JIT's total compilation time so far, or -1 where the JVM does not measure it
	 * @param nanoTime the clock
	 * @param processors the CPUs the JVM may use
	 */
	JitMeter(LongSupplier compileMillis, LongSupplier nanoTime, int processors) {
		this.compileMillis = compileMillis;
		this.nanoTime = nanoTime;
		this.processors = processors;
	}

	/**
	 * The meter of this JVM.
	 * @return the meter
	 */
	static JitMeter ofThisJvm() {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		LongSupplier compileMillis = (jit != null && jit.isCompilationTimeMonitoringSupported())
				? jit::getTotalCompilationTime : () -> -1;
		return new JitMeter(compileMillis, System::nanoTime, Runtime.getRuntime().availableProcessors());
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
	 * What the JIT did while some work ran.
	 *
	 * @param compileMillis the compiler threads' time, -1 where the JVM does not measure it
	 * @param wallMillis the work's wall-clock time
	 * @param processors the CPUs the JVM may use
	 */
	record Activity(long compileMillis, long wallMillis, int processors) {

		/**
		 * The JIT's share of the CPU the machine had.
		 * @return from 0; 0 where the JVM does not measure compilation or no time passed
		 */
		double share() {
			if (this.compileMillis < 0 || this.wallMillis <= 0) {
				return 0;
			}
			return (double) this.compileMillis / ((double) this.wallMillis * this.processors);
		}

		/**
		 * This and another stretch of work together.
		 * @param other the other stretch
		 * @return both; unmeasured (-1) if either is
		 */
		Activity plus(Activity other) {
			long compile = (this.compileMillis < 0 || other.compileMillis < 0) ? -1
					: this.compileMillis + other.compileMillis;
			return new Activity(compile, this.wallMillis + other.wallMillis, this.processors);
		}

		@Override
		public String toString() {
			if (this.compileMillis < 0) {
				return String.format(Locale.ROOT, "%,d ms (this JVM does not time its JIT)", this.wallMillis);
			}
			return String.format(Locale.ROOT, "%,d ms, JIT compiling for %,d ms (%.1f%% of %d CPUs)", this.wallMillis,
					this.compileMillis, share() * 100, this.processors);
		}

	}

}
