package io.github.esdb.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The parts of {@link BenchmarkForks} that need no JVM of their own: the forks' command line, the results file and
 * the table across forks. {@link StarterOverheadBenchmarkSmokeTests} runs real forks.
 */
class BenchmarkForksTests {

	@Test
	void aForkGetsThisJvmsArgumentsAndTheProgramArgumentsWithoutForks() {
		List<String> command = BenchmarkForks.command(new BenchmarkForks.Fork(2, 3), "/jdk/bin/java",
				List.of("-Xmx3g", "-Dspring.main.banner-mode=off",
						"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5005",
						"-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile",
						"-XX:StartFlightRecording:duration=60s,filename=rec.jfr", "-XX:StartFlightRecording"),
				"a.jar:b.jar", List.of("--runs=5", "--forks=3", "--only=append"), Path.of("/tmp/fork-2.tsv"));
		assertThat(command).containsExactly("/jdk/bin/java", "-Xmx3g", "-Dspring.main.banner-mode=off",
				"-XX:StartFlightRecording=filename=/tmp/bench-fork-2.jfr,settings=profile",
				"-XX:StartFlightRecording:duration=60s,filename=rec-fork-2.jfr", "-XX:StartFlightRecording", "-cp",
				"a.jar:b.jar", StarterOverheadBenchmark.class.getName(), "--runs=5", "--only=append",
				"--results-file=/tmp/fork-2.tsv");
	}

	@Test
	void theResultsFileGivesBackTheSameFigures(@TempDir Path directory) throws Exception {
		BenchmarkReport written = report(new double[] { 1_000.5, 1_100.25, 900.125 },
				new double[] { 800.1, 1_000.3, 950.7 });
		Path file = directory.resolve("fork.tsv");
		written.writeTsv(file);
		BenchmarkReport read = BenchmarkReport.readTsv(file);
		assertThat(read.toMarkdown()).isEqualTo(written.toMarkdown());
		assertThat(read.perRoundVsRaw(Variant.APPEND_STARTER)).isEqualTo(written.perRoundVsRaw(Variant.APPEND_STARTER));
		Files.writeString(file, "variant\tround\tvalue\nAPPEND_RAW\t1\tfast\n");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkReport.readTsv(file))
			.withMessageStartingWith("Bad line 'APPEND_RAW\t1\tfast' in " + file);
		Files.writeString(file, "");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkReport.readTsv(file))
			.withMessageContaining("does not start with the line");
	}

	@Test
	void theTableAcrossForksHasEachForksRatiosAndTheirMedian() {
		// Starter over raw: fork 1 0.8 in both rounds, fork 2 1.0 in both, fork 3 0.85 and 0.95.
		List<BenchmarkReport> forks = List.of(report(new double[] { 100, 200 }, new double[] { 80, 160 }),
				report(new double[] { 100, 100 }, new double[] { 100, 100 }),
				report(new double[] { 100, 100 }, new double[] { 85, 95 }));
		String table = BenchmarkReport.acrossForks(forks);
		assertThat(table.lines()).containsExactly(
				"| Measure | Variant | fork 1 vs raw | fork 1 per round vs raw | fork 2 vs raw | fork 2 per round vs raw "
						+ "| fork 3 vs raw | fork 3 per round vs raw | median vs raw | median per round vs raw |",
				"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
				"| append | starter `EsdbOperations.append(stream, payload)` | 0.80 | 0.80 | 1.00 | 1.00 | 0.90 | 0.90 "
						+ "| 0.90 | 0.90 |");
	}

	@Test
	void aVariantWithoutABaselineIsNotInTheTableAcrossForks() {
		BenchmarkReport fork = new BenchmarkReport();
		fork.add(Variant.STARTUP, 120);
		assertThat(BenchmarkReport.acrossForks(List.of(fork, fork)).lines()).hasSize(2);
	}

	private static BenchmarkReport report(double[] raw, double[] starter) {
		BenchmarkReport report = new BenchmarkReport();
		for (int round = 0; round < raw.length; round++) {
			report.add(Variant.APPEND_RAW, raw[round]);
			report.add(Variant.APPEND_STARTER, starter[round]);
		}
		return report;
	}

}
