package io.github.esdb.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WarmUp} and {@link JitMeter}: the fixed rounds, then more while the JIT is still compiling, up to the limit.
 * A round here lasts one second of a fake clock on two CPUs (2,000 CPU ms), and compiles for as long as the test
 * says: 400 ms is 20 %, 150 ms is 7.5 %.
 */
class WarmUpTests {

	private final AtomicLong clock = new AtomicLong();

	private final AtomicLong compiled = new AtomicLong();

	private final JitMeter meter = new JitMeter(this.compiled::get, this.clock::get, 2);

	private final List<String> log = new ArrayList<>();

	@Test
	void roundsGoOnWhileTheJitCompilesAndStopOnceItSettles() throws Exception {
		List<Integer> ran = run(new WarmUp(2, 8, this.meter), 400, 400, 400, 400, 150, 150);
		assertThat(ran).containsExactly(1, 2, 3, 4, 5);
		assertThat(this.log).hasSize(5);
		assertThat(this.log.get(3)).isEqualTo("warm-up 4: 1,000 ms, JIT compiling for 400 ms (20.0% of 2 CPUs)");
		assertThat(this.log.get(4))
			.isEqualTo("warm-up 5: 1,000 ms, JIT compiling for 150 ms (7.5% of 2 CPUs), settled");
	}

	@Test
	void theFixedRoundsRunEvenWhenTheJitHasSettled() throws Exception {
		assertThat(run(new WarmUp(3, 8, this.meter), 0, 0, 0, 0)).containsExactly(1, 2, 3);
	}

	@Test
	void theTenthSizeFirstRoundNeverEndsTheWarmUpByItself() throws Exception {
		// One fixed round, settled: a full-size round still follows, and ends it once settled too.
		assertThat(run(new WarmUp(1, 8, this.meter), 0, 0, 0)).containsExactly(1, 2);
	}

	@Test
	void settlingStopsAtTheLimitAndSaysSo() throws Exception {
		List<Integer> ran = run(new WarmUp(1, 2, this.meter), 400, 400, 400, 400, 400);
		assertThat(ran).containsExactly(1, 2, 3);
		assertThat(this.log).last().isEqualTo("the JIT had not settled after 3 warm-up rounds (--settle-rounds=2): "
				+ "the measured rounds include compilation");
	}

	@Test
	void withoutSettleRoundsOnlyTheFixedRoundsRunAndNothingIsSaidOfSettling() throws Exception {
		assertThat(run(new WarmUp(2, 0, this.meter), 400, 400, 400)).containsExactly(1, 2);
		assertThat(this.log).hasSize(2).noneMatch((line) -> line.contains("had not settled"));
	}

	@Test
	void noWarmUpRunsNoRoundAtAll() throws Exception {
		assertThat(run(new WarmUp(0, 8, this.meter), 400)).isEmpty();
		assertThat(this.log).isEmpty();
	}

	@Test
	void aJvmThatDoesNotTimeItsJitRunsTheFixedRoundsAndTheFirstFullSizeOne() throws Exception {
		JitMeter untimed = new JitMeter(() -> -1, this.clock::get, 2);
		assertThat(run(new WarmUp(1, 8, untimed), 400, 400, 400)).containsExactly(1, 2);
		assertThat(this.log).first().isEqualTo("warm-up 1: 1,000 ms (this JVM does not time its JIT), settled");
	}

	@Test
	void theShareIsOfEveryCpuAndTenPerCentIsNotSettled() {
		assertThat(new JitMeter.Activity(200, 1_000, 2).share()).isEqualTo(0.10);
		assertThat(WarmUp.settled(new JitMeter.Activity(200, 1_000, 2))).isFalse();
		assertThat(WarmUp.settled(new JitMeter.Activity(199, 1_000, 2))).isTrue();
		assertThat(WarmUp.settled(new JitMeter.Activity(-1, 1_000, 2))).isTrue();
		// A round too short to time has no share, rather than a division by zero.
		assertThat(new JitMeter.Activity(5, 0, 2).share()).isZero();
	}

	@Test
	void theMeasuredRoundsAddUp() throws Exception {
		JitMeter.Activity first = this.meter.measure(() -> round(300));
		JitMeter.Activity second = this.meter.measure(() -> round(100));
		assertThat(first).isEqualTo(new JitMeter.Activity(300, 1_000, 2));
		assertThat(first.plus(second)).isEqualTo(new JitMeter.Activity(400, 2_000, 2));
		assertThat(first.plus(second).share()).isEqualTo(0.10);
		assertThat(first.plus(new JitMeter.Activity(-1, 1_000, 2)).compileMillis()).isEqualTo(-1);
	}

	/** Run the warm-up; round n compiles for the n-th of the given times. */
	private List<Integer> run(WarmUp warmUp, long... compileMillis) throws Exception {
		List<Integer> ran = new ArrayList<>();
		warmUp.run((number) -> {
			ran.add(number);
			round(compileMillis[number - 1]);
		}, this.log::add);
		return ran;
	}

	/** One second of the fake clock, with the given compilation. */
	private void round(long compileMillis) {
		this.compiled.addAndGet(compileMillis);
		this.clock.addAndGet(1_000_000_000L);
	}

}
