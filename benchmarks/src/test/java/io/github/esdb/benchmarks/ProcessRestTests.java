package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessRestTests {

	private final AtomicLong clock = new AtomicLong();

	private final AtomicLong cpu = new AtomicLong();

	@Test
	void anIdleProcessRestsAfterOneWindow() throws InterruptedException {
		ProcessRest.Outcome outcome = rest((millis) -> this.clock.addAndGet(millis * 1_000_000)).await();

		assertThat(outcome.rested()).isTrue();
		assertThat(outcome.waited()).isEqualTo(ProcessRest.WINDOW);
	}

	@Test
	void aBusyProcessIsWaitedForUntilAWindowIsQuiet() throws InterruptedException {
		AtomicLong windows = new AtomicLong();
		ProcessRest.Outcome outcome = rest((millis) -> {
			this.clock.addAndGet(millis * 1_000_000);
			// Three windows of one busy core (the JIT compiling), then quiet.
			if (windows.incrementAndGet() <= 3) {
				this.cpu.addAndGet(millis * 1_000_000);
			}
		}).await();

		assertThat(outcome.rested()).isTrue();
		assertThat(outcome.waited()).isEqualTo(ProcessRest.WINDOW.multipliedBy(4));
	}

	@Test
	void aWindowJustUnderATenthOfACoreCountsAsRestAndOneAtItDoesNot() throws InterruptedException {
		AtomicLong windows = new AtomicLong();
		ProcessRest.Outcome outcome = rest((millis) -> {
			this.clock.addAndGet(millis * 1_000_000);
			this.cpu.addAndGet((windows.incrementAndGet() == 1) ? ProcessRest.IDLE_NANOS_PER_WINDOW
					: ProcessRest.IDLE_NANOS_PER_WINDOW - 1);
		}).await();

		assertThat(outcome.waited()).isEqualTo(ProcessRest.WINDOW.multipliedBy(2));
	}

	@Test
	void aProcessThatNeverRestsIsMeasuredAfterTheLimit() throws InterruptedException {
		ProcessRest.Outcome outcome = rest((millis) -> {
			this.clock.addAndGet(millis * 1_000_000);
			this.cpu.addAndGet(millis * 2_000_000);
		}).await();

		assertThat(outcome.rested()).isFalse();
		assertThat(outcome.waited()).isEqualTo(Duration.ofSeconds(1));
	}

	private ProcessRest rest(ProcessRest.Sleeper sleeper) {
		return new ProcessRest(this.cpu::get, this.clock::get, sleeper, Duration.ofSeconds(1));
	}

}
