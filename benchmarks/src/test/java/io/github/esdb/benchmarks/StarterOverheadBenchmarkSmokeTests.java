package io.github.esdb.benchmarks;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Proves that the benchmark harness works end to end with tiny counts, so that a broken harness shows in CI rather
 * than when someone needs figures. It asserts nothing about speed: figures from a run this small mean nothing.
 */
class StarterOverheadBenchmarkSmokeTests {

	@Test
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void everyVariantRunsAndIsReported() throws Exception {
		BenchmarkReport report = StarterOverheadBenchmark
			.run(new BenchmarkOptions(300, 600, 100, 100, 10, 10, 100, 5, 1, false, 10,
					EnumSet.allOf(BenchmarkOptions.Section.class)));
		for (Variant variant : Variant.values()) {
			BenchmarkReport.Summary summary = report.summary(variant);
			assertThat(summary.runs()).as(variant.name()).isEqualTo(1);
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
	void parsesOptions() {
		BenchmarkOptions options = BenchmarkOptions.parse("--events=1_000", "--runs=5", "--no-warm-up");
		assertThat(options.events()).isEqualTo(1_000);
		assertThat(options.runs()).isEqualTo(5);
		assertThat(options.warmUp()).isFalse();
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
