package io.github.esdb.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Proves that the benchmark harness works end to end with tiny counts, so that a broken harness shows in CI rather
 * than when someone needs figures. It asserts nothing about speed: figures from a run this small mean nothing.
 */
class StarterOverheadBenchmarkSmokeTests {

	@Test
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void everyVariantRunsAndIsReported() throws Exception {
		// Two rounds: the second replays the same subscriptions of the same contexts, through a reset (catch-up) and
		// a group deleted and created again (persistent), and waits for every event again.
		BenchmarkReport report = StarterOverheadBenchmark
			.run(new BenchmarkOptions(300, 600, 100, 100, 10, 10, 100, 5, 2, 0, 0, 10,
					EnumSet.allOf(BenchmarkOptions.Section.class), 1, null, null));
		for (Variant variant : Variant.values()) {
			BenchmarkReport.Summary summary = report.summary(variant);
			assertThat(summary.runs()).as(variant.name()).isEqualTo(2);
			if (variant != Variant.BACKLOG_HEAP) {
				// Heap growth may be negative (a GC freed more than the run used); every other figure is positive.
				assertThat(summary.median()).as(variant.name()).isPositive();
			}
		}
		assertThat(report.toMarkdown()).contains("| catch-up | starter, record handler |")
			.contains("| 50 subscriptions at once | starter, handler + Jackson |")
			.contains("| live latency p99 | starter handler |")
			.contains("| append | starter `EsdbOperations.append(stream, payload)` |");
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void warmUpRoundsAreNotReported() throws Exception {
		BenchmarkReport report = StarterOverheadBenchmark
			.run(BenchmarkOptions.parse("--only=append", "--appends=10", "--runs=1", "--warm-up-rounds=2",
					"--settle-rounds=1"));
		assertThat(report.summary(Variant.APPEND_STARTER).runs()).isEqualTo(1);
		assertThat(report.summary(Variant.APPEND_RAW).runs()).isEqualTo(1);
	}

	@Test
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void forksRunOneAfterTheOtherAndTheirRatiosAreSetSideBySide() throws Exception {
		List<String> args = List.of("--forks=2", "--only=append", "--appends=10", "--runs=2", "--no-warm-up");
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		List<BenchmarkReport> forks = BenchmarkForks.run(BenchmarkOptions.parse(args.toArray(String[]::new)), args,
				new PrintStream(output, true, Charset.defaultCharset()));
		String printed = output.toString(Charset.defaultCharset());
		System.out.println(printed);
		assertThat(printed).contains("[fork 1/2] [bench] round 1").contains("[fork 2/2] [bench] round 2");
		assertThat(forks).hasSize(2)
			.allSatisfy((fork) -> assertThat(fork.summary(Variant.APPEND_STARTER).runs()).isEqualTo(2));
		String markdown = BenchmarkForks.toMarkdown(forks);
		System.out.println(markdown);
		assertThat(markdown).contains("Fork 1/2:", "Fork 2/2:", "Across the 2 forks:",
				"| Measure | Variant | fork 1 vs raw | fork 1 per round vs raw | fork 2 vs raw | fork 2 per round vs raw "
						+ "| median vs raw | median per round vs raw |");
		double median = (forks.get(0).vsRaw(Variant.APPEND_STARTER) + forks.get(1).vsRaw(Variant.APPEND_STARTER)) / 2;
		assertThat(BenchmarkReport.acrossForks(forks).lines()
			.filter((line) -> line.startsWith("| append | starter "))
			.findFirst()).hasValueSatisfying((row) -> assertThat(row.split("\\|")).hasSize(9)
				.satisfies((cells) -> assertThat(cells[7].trim())
					.isEqualTo(String.format(Locale.ROOT, "%.2f", median))));
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void aFailingForkFailsTheRunNamingTheForkAndItsExitCode() {
		// Passed to the fork only: the fork's own parsing rejects it and it exits with 2.
		List<String> args = List.of("--forks=2", "--nope=1");
		assertThatIllegalStateException()
			.isThrownBy(() -> BenchmarkForks.run(BenchmarkOptions.parse("--forks=2"), args, System.out))
			.withMessageStartingWith("Fork 1/2 failed: it exited with code 2");
	}

	@Test
	void parsesOptions() {
		BenchmarkOptions options = BenchmarkOptions.parse("--events=1_000", "--runs=5", "--no-warm-up");
		assertThat(options.events()).isEqualTo(1_000);
		assertThat(options.runs()).isEqualTo(5);
		assertThat(options.warmUpRounds()).isZero();
		assertThat(options.longEvents()).isEqualTo(BenchmarkOptions.DEFAULTS.longEvents());
		assertThat(BenchmarkOptions.parse()).isEqualTo(BenchmarkOptions.DEFAULTS);
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--nope=1"))
			.withMessageContaining("Unknown option 'nope'");
		BenchmarkOptions some = BenchmarkOptions.parse("--only=long,persistent");
		assertThat(some.sections()).isEqualTo(Set.of(BenchmarkOptions.Section.LONG,
				BenchmarkOptions.Section.PERSISTENT));
		assertThat(some.runs(BenchmarkOptions.Section.CATCH_UP)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--only=long,nope"))
			.withMessageContaining("Unknown section 'nope'");
	}

}
