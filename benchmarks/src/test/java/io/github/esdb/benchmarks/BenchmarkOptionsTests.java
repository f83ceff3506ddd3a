package io.github.esdb.benchmarks;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The warm-up and fork options of {@link BenchmarkOptions}.
 */
class BenchmarkOptionsTests {

	@Test
	void oneWarmUpRoundAndNoForkByDefault() {
		BenchmarkOptions options = BenchmarkOptions.parse();
		assertThat(options.warmUpRounds()).isEqualTo(1);
		assertThat(options.settleRounds()).isEqualTo(8);
		assertThat(options.forks()).isEqualTo(1);
		assertThat(options.resultsFile()).isNull();
	}

	@Test
	void parsesTheProfileDirectory() {
		assertThat(BenchmarkOptions.parse().profileDir()).isNull();
		assertThat(BenchmarkOptions.parse("--profile=/tmp/profiles").profileDir()).isEqualTo(Path.of("/tmp/profiles"));
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--profile="))
			.withMessage("No directory in '--profile='");
	}

	@Test
	void parsesWarmUpRounds() {
		assertThat(BenchmarkOptions.parse("--warm-up-rounds=3").warmUpRounds()).isEqualTo(3);
		assertThat(BenchmarkOptions.parse("--warm-up-rounds=0").warmUpRounds()).isZero();
		assertThat(BenchmarkOptions.parse("--no-warm-up").warmUpRounds()).isZero();
		assertThat(BenchmarkOptions.parse("--no-warm-up", "--warm-up-rounds=0").warmUpRounds()).isZero();
	}

	@Test
	void rejectsBadWarmUpRounds() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--warm-up-rounds=-1"))
			.withMessage("--warm-up-rounds must be 0 (no warm-up) or more, not -1");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--warm-up-rounds=many"))
			.withMessageStartingWith("Not a number in '--warm-up-rounds=many'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("--warm-up-rounds=2", "--no-warm-up"))
			.withMessage("--no-warm-up contradicts --warm-up-rounds=2; give one of them");
	}

	@Test
	void parsesSettleRounds() {
		assertThat(BenchmarkOptions.parse("--settle-rounds=3").settleRounds()).isEqualTo(3);
		assertThat(BenchmarkOptions.parse("--settle-rounds=0").settleRounds()).isZero();
		assertThat(BenchmarkOptions.parse("--no-warm-up").settleRounds()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--settle-rounds=-1"))
			.withMessage("--settle-rounds must be 0 (a fixed warm-up) or more, not -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("--no-warm-up", "--settle-rounds=2"))
			.withMessage("--no-warm-up contradicts --settle-rounds=2; give one of them");
		assertThat(BenchmarkOptions.parse("--no-warm-up", "--settle-rounds=0").settleRounds()).isZero();
		assertThat(BenchmarkOptions.parse("--settle-rounds=0", "--no-warm-up").settleRounds()).isZero();
	}

	@Test
	void settlingNeedsAWarmUpToExtend() {
		BenchmarkOptions none = BenchmarkOptions.parse("--warm-up-rounds=0");
		assertThat(none.warmUpRounds()).isZero();
		assertThat(none.settleRounds()).isZero();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("--warm-up-rounds=0", "--settle-rounds=3"))
			.withMessage("--settle-rounds=3 extends a warm-up, and --warm-up-rounds=0 runs none; give "
					+ "--warm-up-rounds=1 or more");
	}

	@Test
	void parsesForks() {
		assertThat(BenchmarkOptions.parse("--forks=5").forks()).isEqualTo(5);
		assertThat(BenchmarkOptions.parse("--forks=1").forks()).isEqualTo(1);
	}

	@Test
	void rejectsBadForks() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--forks=0"))
			.withMessage("--forks must be 1 (no child JVM) or more, not 0");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--forks=-2"))
			.withMessage("--forks must be 1 (no child JVM) or more, not -2");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--forks=two"))
			.withMessageStartingWith("Not a number in '--forks=two'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--forks"))
			.withMessageStartingWith("Bad argument '--forks'");
	}

	@Test
	void theResultsFileIsForTheForksOnly() {
		assertThat(BenchmarkOptions.parse("--results-file=/tmp/fork.tsv").resultsFile())
			.isEqualTo(Path.of("/tmp/fork.tsv"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("--forks=2", "--results-file=/tmp/fork.tsv"))
			.withMessage("--results-file is for the forks themselves, not with --forks=2");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--results-file="))
			.withMessage("No path in '--results-file='");
	}

	@Test
	void theUsageListsTheNewOptions() {
		assertThat(BenchmarkOptions.usage()).contains("--warm-up-rounds=1", "--settle-rounds=8", "--forks=1")
			.doesNotContain("--results-file");
	}

}
