package io.github.esdb.benchmarks;

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
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void everyVariantDeliversAndIsReported() throws Exception {
		BenchmarkReport report = StarterOverheadBenchmark.run(new BenchmarkOptions(500, 100, 10, 1, false, 10));
		for (Variant variant : Variant.values()) {
			BenchmarkReport.Summary summary = report.summary(variant);
			assertThat(summary.runs()).as(variant.name()).isEqualTo(1);
			assertThat(summary.median()).as(variant.name()).isPositive();
		}
		assertThat(report.toMarkdown()).contains("| catch-up | starter, record handler |")
			.contains("| append | starter `EsdbOperations.append(stream, payload)` |");
	}

	@Test
	void parsesOptions() {
		BenchmarkOptions options = BenchmarkOptions.parse("--events=1_000", "--runs=5", "--no-warm-up");
		assertThat(options).isEqualTo(new BenchmarkOptions(1_000, 50_000, 5_000, 5, false, 10));
		assertThat(BenchmarkOptions.parse()).isEqualTo(BenchmarkOptions.DEFAULTS);
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--nope=1"))
			.withMessageContaining("Unknown option 'nope'");
	}

}
