package io.github.esdb.benchmarks;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs the warm-up rounds: a fixed number first, then more full-size ones while the JIT is still compiling, up to a
 * limit. On a machine with two cores, a hundred subscription threads leave the compiler threads little CPU: after
 * two fixed warm-up rounds the JIT was still compiling through the measured rounds (2-4 s C2 compilations of Netty's
 * write path among them), so whichever variant ran while a large method was being compiled, or after one was thrown
 * away, came out slower. A round counts as settled when the JIT used less than {@link #SETTLED_SHARE} of the
 * machine's CPU during it ({@link JitMeter}). Not less: in this benchmark the JIT never goes quiet, since the raw
 * client and the starter's (which has interceptors) take turns at the same call sites in gRPC and Netty, and their
 * type checks keep failing and being compiled again; after nine rounds it still compiled for 6-12 % of the CPU.
 */
final class WarmUp {

	/** A round whose compilations took less than this share of the machine's CPU time counts as settled. */
	static final double SETTLED_SHARE = 0.10;

	private final int rounds;

	private final int settleRounds;

	private final JitMeter meter;

	/**
	 * @param rounds the fixed number of warm-up rounds; the first runs a tenth of the counts
	 * @param settleRounds at most how many more rounds run while the JIT has not settled
	 * @param meter measures the JIT during each round
	 */
	WarmUp(int rounds, int settleRounds, JitMeter meter) {
		this.rounds = rounds;
		this.settleRounds = settleRounds;
		this.meter = meter;
	}

	/**
	 * Whether a round left the JIT settled.
	 * @param activity the JIT's activity during the round
	 * @return true below {@link #SETTLED_SHARE}, and where the JVM does not measure compilation (nothing could tell
	 * otherwise, and the fixed rounds still run)
	 */
	static boolean settled(JitMeter.Activity activity) {
		return activity.share() < SETTLED_SHARE;
	}

	/**
	 * Run the warm-up rounds.
	 * @param round runs the warm-up round with the given number, from 1
	 * @param log where each round's JIT activity goes
	 * @throws Exception if a round fails
	 */
	void run(Round round, Consumer<String> log) throws Exception {
		JitMeter.Activity last = null;
		int done = 0;
		// No fixed round means no warm-up at all: settling only ever extends one. The first round runs a tenth of the
		// counts and cannot tell whether the full-size paths are compiled, so it never ends the warm-up by itself.
		while (done < this.rounds
				|| (last != null && done < this.rounds + this.settleRounds && (done == 1 || !settled(last)))) {
			int number = ++done;
			last = this.meter.measure(() -> round.run(number));
			log.accept(String.format(Locale.ROOT, "warm-up %d: %s%s", number, last, settled(last) ? ", settled" : ""));
		}
		if (last != null && !settled(last) && this.settleRounds > 0) {
			log.accept(String.format(Locale.ROOT, "the JIT had not settled after %d warm-up rounds "
					+ "(--settle-rounds=%d): the measured rounds include compilation", done, this.settleRounds));
		}
	}

	/** One warm-up round of the benchmark. */
	@FunctionalInterface
	interface Round {

		/**
		 * Run the round.
		 * @param number from 1
		 * @throws Exception if a variant fails
		 */
		void run(int number) throws Exception;

	}

}
