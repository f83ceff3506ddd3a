package io.github.esdb.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The concurrency benchmark's harness works with tiny counts (and checks per-stream order on every run). It asserts
 * nothing about speed.
 */
class ConcurrencyBenchmarkSmokeTests {

	@Test
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void everyVariantRunsAndIsReported() throws Exception {
		List<ConcurrencyBenchmark.Result> results = ConcurrencyBenchmark.run(200, 1_000, 20, 1);
		assertThat(results).hasSize(4).allSatisfy((result) -> assertThat(result.eventsPerSecond()).isPositive());
		assertThat(ConcurrencyBenchmark.report(results)).contains("| waits 2 ms |").contains("| no-op |");
	}

}
