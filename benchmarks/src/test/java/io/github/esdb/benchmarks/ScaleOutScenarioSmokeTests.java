package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The scale-out scenario end to end with tiny counts: a standalone server JVM, two replica JVMs on the real
 * PostgreSQL, the owner killed with SIGKILL twice; every event is in the read model exactly once and no two replicas
 * handled at the same time. Also that the report's checks catch what they are meant to catch.
 */
@ExtendWith(RequiresPostgres.class)
class ScaleOutScenarioSmokeTests {

	@Test
	@Timeout(value = 150, unit = TimeUnit.SECONDS)
	void everyEventIsHandledExactlyOnceAcrossKillsOfTheOwner() throws Exception {
		ScaleOutOptions options = ScaleOutOptions.parse("--events=300", "--kills=2", "--replicas=2", "--mode=jdbc",
				"--target=owner", "--kill-every-ms=2000", "--lease-ttl-ms=2000", "--renew-interval-ms=300");
		ScaleOutReport report = ScaleOutScenario.run(options, (line) -> System.out.println("[scaleout] " + line));
		System.out.println(report.toMarkdown());
		assertThat(report.passed()).as(report.toMarkdown()).isTrue();
		assertThat(report.written()).isEqualTo(300);
		assertThat(report.rows()).isEqualTo(300);
		assertThat(report.kills()).hasSize(2).allSatisfy((kill) -> assertThat(kill.owner()).isTrue());
		assertThat(report.handoverMillis()).hasSize(2);
	}

	@Test
	@Timeout(value = 240, unit = TimeUnit.SECONDS)
	void withSegmentsEveryEventIsHandledExactlyOnceAndNoSegmentRunsOnTwoReplicasAtOnce() throws Exception {
		ScaleOutOptions options = ScaleOutOptions.parse("--events=400", "--kills=2", "--replicas=2", "--mode=jdbc",
				"--segments=4", "--kill-every-ms=4000", "--lease-ttl-ms=2000", "--renew-interval-ms=300");
		ScaleOutReport report = ScaleOutScenario.run(options, (line) -> System.out.println("[scaleout] " + line));
		System.out.println(report.toMarkdown());
		assertThat(report.passed()).as(report.toMarkdown()).isTrue();
		assertThat(report.rows()).isEqualTo(400);
		assertThat(report.toMarkdown()).contains("4 segments");
	}

	@Test
	void withSegmentsTheReportFindsOverlapsWithinASegmentOnly() {
		ScaleOutOptions segments = ScaleOutOptions.parse("--mode=jdbc", "--segments=2");
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		UUID c = UUID.randomUUID();
		List<ScaleOutReport.Row> twoAtOnce = List.of(new ScaleOutReport.Row(a, 0, "r0.0", "segment-0-of-2", 100, 900),
				new ScaleOutReport.Row(b, 1, "r1.0", "segment-1-of-2", 500, 600));
		assertThat(ScaleOutReport.of(segments, List.of(a, b), twoAtOnce, List.of(), true, 1).passed())
			.as("two segments at once on two replicas").isTrue();
		List<ScaleOutReport.Row> sameSegment = new ArrayList<>(twoAtOnce);
		sameSegment.add(new ScaleOutReport.Row(c, 2, "r1.0", "segment-0-of-2", 800, 950));
		ScaleOutReport overlap = ScaleOutReport.of(segments, List.of(a, b, c), sameSegment, List.of(), true, 1);
		assertThat(overlap.overlaps()).isEqualTo(1);
		assertThat(overlap.passed()).isFalse();
		List<ScaleOutReport.Kill> kills = List.of(new ScaleOutReport.Kill("r0.0", 1_000, false));
		List<ScaleOutReport.Row> takenOver = new ArrayList<>(twoAtOnce);
		takenOver.add(new ScaleOutReport.Row(c, 2, "r1.0", "segment-0-of-2", 3_001_000, 3_001_100));
		assertThat(ScaleOutReport.of(segments, List.of(a, b, c), takenOver, kills, true, 1).handoverMillis())
			.as("segment 0 was the killed replica's").containsExactly(3_000L);
	}

	@Test
	void theReportFindsMissingEventsDuplicatesAndOverlaps() {
		ScaleOutOptions jdbc = ScaleOutOptions.parse("--mode=jdbc");
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		UUID c = UUID.randomUUID();
		List<ScaleOutReport.Row> clean = List.of(new ScaleOutReport.Row(a, 0, "r0.0", "", 100, 200),
				new ScaleOutReport.Row(b, 1, "r1.0", "", 5_000_300, 5_000_400));
		List<ScaleOutReport.Kill> kills = List.of(new ScaleOutReport.Kill("r0.0", 300, true));
		ScaleOutReport passed = ScaleOutReport.of(jdbc, List.of(a, b), clean, kills, true, 1);
		assertThat(passed.passed()).as(passed.toMarkdown()).isTrue();
		assertThat(passed.handoverMillis()).containsExactly(5_000L);

		assertThat(ScaleOutReport.of(jdbc, List.of(a, b, c), clean, kills, true, 1).missing()).isEqualTo(1);

		List<ScaleOutReport.Row> duplicated = new ArrayList<>(clean);
		duplicated.add(new ScaleOutReport.Row(a, 0, "r1.0", "", 5_000_500, 5_000_600));
		ScaleOutReport twice = ScaleOutReport.of(jdbc, List.of(a, b), duplicated, kills, true, 1);
		assertThat(twice.duplicates()).isEqualTo(1);
		assertThat(twice.passed()).as("exactly once with jdbc").isFalse();
		ScaleOutReport atLeastOnce = ScaleOutReport.of(ScaleOutOptions.parse("--mode=kurrentdb"), List.of(a, b),
				duplicated, kills, true, 1);
		assertThat(atLeastOnce.duplicatesPerHandover()).containsExactly(1);
		assertThat(atLeastOnce.passed()).as("one duplicate after a handover is within a checkpoint interval").isTrue();

		List<ScaleOutReport.Row> overlapping = List.of(new ScaleOutReport.Row(a, 0, "r0.0", "", 100, 900),
				new ScaleOutReport.Row(b, 1, "r1.0", "", 500, 600));
		ScaleOutReport overlap = ScaleOutReport.of(jdbc, List.of(a, b), overlapping, List.of(), true, 1);
		assertThat(overlap.overlaps()).isEqualTo(1);
		assertThat(overlap.passed()).isFalse();
	}

	@Test
	void parsesOptions() {
		ScaleOutOptions options = ScaleOutOptions.parse("--events=1_000", "--kills=3", "--mode=kurrentdb",
				"--target=owner", "--lease-ttl-ms=3000");
		assertThat(options.events()).isEqualTo(1_000);
		assertThat(options.kills()).isEqualTo(3);
		assertThat(options.mode()).isEqualTo(ScaleOutOptions.Mode.KURRENTDB);
		assertThat(options.target()).isEqualTo(ScaleOutOptions.Target.OWNER);
		assertThat(options.leaseTtl()).isEqualTo(Duration.ofSeconds(3));
		assertThat(ScaleOutOptions.parse()).isEqualTo(ScaleOutOptions.DEFAULTS);
		assertThatIllegalArgumentException().isThrownBy(() -> ScaleOutOptions.parse("--mode=zookeeper"))
			.withMessageContaining("Unknown value in '--mode=zookeeper'");
		assertThatIllegalArgumentException().isThrownBy(() -> ScaleOutOptions.parse("--lease-ttl-ms=1000"))
			.withMessageContaining("three renew intervals");
	}

}
