package io.github.esdb.subscription.container;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two searches of a point in time, over logs that the embedded server cannot produce (it gives every event its
 * own creation time): events with equal times, and revisions with gaps. The searches over a real server are proven by
 * {@code ResetIntegrationTests}; here a log is a list, and every read a search makes is counted.
 */
class LogSeekTests {

	private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

	/** A stream: revision -> created, with revisions 3 and 4 missing and 5..7 created at the same time. */
	private static final long[] REVISIONS = { 0, 1, 2, 5, 6, 7, 8, 9 };

	private static final long[] SECONDS = { 0, 1, 2, 5, 5, 5, 8, 9 };

	private final List<Long> probes = new ArrayList<>();

	private LogSeek.Stamp probe(long revision) {
		this.probes.add(revision);
		for (int i = 0; i < REVISIONS.length; i++) {
			if (REVISIONS[i] >= revision) {
				return new LogSeek.Stamp(REVISIONS[i], null, T0.plusSeconds(SECONDS[i]));
			}
		}
		return null;
	}

	/**
	 * The first event a subscription replays when it resumes after the revision before the search's result, checking
	 * on the way that every event it skips was created before the time.
	 * @return the revision of that event, or -1 when it replays none
	 */
	private long firstReplayed(Instant time) throws Exception {
		long found = LogSeek.firstAtOrAfter(time, 0, 9, this::probe);
		for (int i = 0; i < REVISIONS.length; i++) {
			if (REVISIONS[i] >= found) {
				return REVISIONS[i];
			}
			assertThat(T0.plusSeconds(SECONDS[i])).as("skipped revision " + REVISIONS[i]).isBefore(time);
		}
		return -1;
	}

	@Test
	void equalTimesReplayAllOfThem() throws Exception {
		// Revisions 5, 6 and 7 share a time: the replay starts with 5.
		assertThat(firstReplayed(T0.plusSeconds(5))).isEqualTo(5);
		assertThat(firstReplayed(T0.plusSeconds(4))).as("a time in a gap").isEqualTo(5);
		assertThat(firstReplayed(T0.plusSeconds(5).plusNanos(100))).as("just after the equal times").isEqualTo(8);
	}

	@Test
	void theBoundaries() throws Exception {
		assertThat(LogSeek.firstAtOrAfter(T0.minusSeconds(1), 0, 9, this::probe))
			.as("before the first event: resume after -1, the checkpoint before the first").isZero();
		assertThat(firstReplayed(T0)).as("exactly the first event").isZero();
		assertThat(firstReplayed(T0.plusSeconds(9))).as("exactly the last event").isEqualTo(9);
		assertThat(LogSeek.firstAtOrAfter(T0.plusSeconds(10), 0, 9, this::probe))
			.as("after the last event: resume after it").isEqualTo(10);
	}

	@Test
	void aSearchReadsAboutLog2OfTheStreamsLength() throws Exception {
		long last = 1_000_000;
		Instant time = T0.plusSeconds(123_457);
		long found = LogSeek.firstAtOrAfter(time, 0, last, (revision) -> {
			this.probes.add(revision);
			return new LogSeek.Stamp(revision, null, T0.plusSeconds(revision));
		});
		assertThat(found).isEqualTo(123_457);
		assertThat(this.probes).hasSizeLessThanOrEqualTo(21);
	}

	@Test
	void allIsReadBackwardsDownToTheFirstEventBeforeTheTimeOnly() throws Exception {
		// $all: positions 10, 20, ... 100; the events at 50, 60 and 70 share a time.
		List<LogSeek.Stamp> log = new ArrayList<>();
		long[] seconds = { 1, 2, 3, 4, 5, 5, 5, 8, 9, 10 };
		for (int i = 0; i < seconds.length; i++) {
			long position = (i + 1) * 10L;
			log.add(new LogSeek.Stamp(i, LogPosition.of(position, position), T0.plusSeconds(seconds[i])));
		}
		List<LogPosition> pagesRead = new ArrayList<>();
		LogSeek.BackwardsPages pages = (before) -> {
			pagesRead.add(before);
			List<LogSeek.Stamp> page = new ArrayList<>();
			for (int i = log.size() - 1; i >= 0 && page.size() < 3; i--) {
				LogSeek.Stamp event = log.get(i);
				if (before == null || before.isAfter(event.position())) {
					page.add(event);
				}
			}
			return page;
		};
		assertThat(LogSeek.beforeTimeInAll(T0.plusSeconds(5), pages))
			.isEqualTo(Checkpoint.ofPosition(LogPosition.of(40, 40)));
		assertThat(pagesRead).as("the older part of the log is not read")
			.containsExactly(null, LogPosition.of(80, 80), LogPosition.of(50, 50));
		assertThat(LogSeek.beforeTimeInAll(T0, pages)).as("before the first event").isEqualTo(Checkpoint.beforeFirst(true));
		assertThat(LogSeek.beforeTimeInAll(T0.plusSeconds(11), pages)).as("after the last event")
			.isEqualTo(Checkpoint.ofPosition(LogPosition.of(100, 100)));
		assertThat(LogSeek.beforeTimeInAll(T0.plusSeconds(10), pages)).as("exactly the last event")
			.isEqualTo(Checkpoint.ofPosition(LogPosition.of(90, 90)));
	}

}
