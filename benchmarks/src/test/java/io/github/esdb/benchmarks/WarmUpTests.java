package io.github.esdb.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WarmUp}: the fixed rounds, then more while the JIT is still compiling, up to the limit. A round here lasts
 * one second of a fake clock on two CPUs, and compiles for as long as the test says.
 */
class WarmUpTests {

	private final AtomicLong clock = new AtomicLong();

	private final AtomicLong compiled = new AtomicLong();

	private final List<String> log = new ArrayList<>();

	@Test
	void roundsGoOnWhileTheJitCompilesAndStopOnceItSettles() throws Exception {
		// 2,000 CPU ms per round: 400 ms of compiling is 20 %, 150 ms is 7.5 %.
		List<Integer> ran = run(new WarmUp(2, 8, this.compiled::get, this.clock::get, 2), 400, 400, 400, 400, 150, 150);
		assertThat(ran).containsExactly(1, 2, 3, 4, 5);
		assertThat(this.log.get(4))
			.isEqualTo("warm-up 5: 1,000 ms, JIT compiling for 150 ms (7.5% of 2 CPUs), settled");
		assertThat(this.log).hasSize(5);
	}

	@Test
	void theFixedRoundsRunEvenWhenTheJitHasSettled() throws Exception {
		assertThat(run(new WarmUp(3, 8, this.compiled::get, this.clock::get, 2), 0, 0, 0, 0)).containsExactly(1, 2, 3);
	}

	@Test
	void settlingStopsAtTheLimitAndSaysSo() throws Exception {
		List<Integer> ran = run(new WarmUp(1, 2, this.compiled::get, this.clock::get, 2), 400, 400, 400, 400, 400);
		assertThat(ran).containsExactly(1, 2, 3);
		assertThat(this.log).last().isEqualTo("the JIT had not settled after 3 warm-up rounds (--settle-rounds=2): "
				+ "the measured rounds include compilation");
	}

	@Test
	void noWarmUpRunsNoRoundAtAll() throws Exception {
		assertThat(run(new WarmUp(0, 8, this.compiled::get, this.clock::get, 2), 400)).isEmpty();
	}

	@Test
	void aJvmThatDoesNotTimeItsJitRunsTheFixedRoundsOnly() throws Exception {
		assertThat(run(new WarmUp(2, 8, () -> -1, this.clock::get, 2), 400, 400, 400)).containsExactly(1, 2);
		assertThat(this.log).first().isEqualTo("warm-up 1: 1,000 ms (this JVM does not time its JIT)");
	}

	@Test
	void theShareIsOfEveryCpu() {
		assertThat(new WarmUp.Activity(200, 1_000, 2).share()).isEqualTo(0.10);
		assertThat(new WarmUp.Activity(200, 1_000, 2).settled()).isFalse();
		assertThat(new WarmUp.Activity(199, 1_000, 2).settled()).isTrue();
		assertThat(new WarmUp.Activity(-1, 1_000, 2).settled()).isTrue();
	}

	/** Run the warm-up; round n compiles for the n-th of the given times and lasts one second. */
	private List<Integer> run(WarmUp warmUp, long... compileMillis) throws Exception {
		List<Integer> ran = new ArrayList<>();
		warmUp.run((number) -> {
			ran.add(number);
			this.compiled.addAndGet(compileMillis[number - 1]);
			this.clock.addAndGet(1_000_000_000L);
		}, this.log::add);
		return ran;
	}

}
