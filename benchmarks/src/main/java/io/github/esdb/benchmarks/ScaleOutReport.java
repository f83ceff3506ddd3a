package io.github.esdb.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the scale-out scenario found, computed from the committed rows of {@link ScaleOutHandler} and the kills.
 *
 * @param options what ran
 * @param written events the writer appended
 * @param rows committed handler rows
 * @param missing written events without a row
 * @param duplicates rows beyond the first for an event
 * @param duplicatesPerHandover for each handover (a change of the replica handling events, in start order; per
 * segment when the subscription is split), the rows of events already handled before it
 * @param overlaps handler calls that started while a call of another replica had not ended (of the same segment,
 * when the subscription is split)
 * @param firstOverlap a description of the first overlap, empty when none
 * @param kills the kills, in order
 * @param handoverMillis for each kill of the replica that owned the subscription (or, split, for each segment whose
 * latest call before the kill was the killed replica's), the time from the kill until another replica started its
 * first handler call (of that segment)
 * @param tookOver whether after each kill the subscription was handled again (false when a wait timed out)
 * @param seconds the run's duration from the first append to the last event handled
 */
public record ScaleOutReport(ScaleOutOptions options, int written, int rows, int missing, int duplicates,
		List<Integer> duplicatesPerHandover, int overlaps, String firstOverlap, List<Kill> kills,
		List<Long> handoverMillis, boolean tookOver, double seconds) {

	/**
	 * One committed handler call.
	 * @param eventId the event's id
	 * @param revision its revision in the stream
	 * @param replica the replica's instance id
	 * @param segment the segment that handled it ({@code segment-i-of-n}), empty when the subscription is whole
	 * @param started when the call started, microseconds since 1970
	 * @param ended when it wrote its row, microseconds since 1970
	 */
	public record Row(UUID eventId, long revision, String replica, String segment, long started, long ended) {

	}

	/**
	 * One kill.
	 * @param replica the killed replica's instance id
	 * @param at when SIGKILL was sent, microseconds since 1970
	 * @param owner whether it handled the latest event before the kill (it owned the subscription)
	 */
	public record Kill(String replica, long at, boolean owner) {

	}

	/**
	 * Compare the rows with what was written and killed.
	 * @param options what ran
	 * @param written the ids of the appended events
	 * @param rows the committed rows
	 * @param kills the kills
	 * @param tookOver whether the subscription was handled again after every kill
	 * @param seconds the run's duration
	 * @return the report
	 */
	static ScaleOutReport of(ScaleOutOptions options, Collection<UUID> written, List<Row> rows, List<Kill> kills,
			boolean tookOver, double seconds) {
		List<Row> byStart = new ArrayList<>(rows);
		byStart.sort(Comparator.comparingLong(Row::started).thenComparingLong(Row::ended));
		Map<UUID, Integer> counts = new HashMap<>();
		for (Row row : byStart) {
			counts.merge(row.eventId(), 1, Integer::sum);
		}
		int missing = (int) written.stream().filter((id) -> !counts.containsKey(id)).count();
		int duplicates = counts.values().stream().mapToInt((count) -> count - 1).sum();

		List<Integer> perHandover = new ArrayList<>();
		List<String> overlapping = new ArrayList<>();
		List<Long> handovers = new ArrayList<>();
		// Each segment is run by one replica at a time, as the whole subscription is when it is not split.
		Map<String, List<Row>> bySegment = new TreeMap<>();
		byStart.forEach((row) -> bySegment.computeIfAbsent(row.segment(), (key) -> new ArrayList<>()).add(row));
		bySegment.forEach((segment, segmentRows) -> {
			checkOneReplicaAtATime(segmentRows, perHandover, overlapping);
			for (Kill kill : kills) {
				boolean ownedIt = segment.isEmpty() ? kill.owner() : segmentRows.stream()
					.filter((row) -> row.started() < kill.at())
					.reduce((first, second) -> second)
					.map((row) -> row.replica().equals(kill.replica()))
					.orElse(false);
				if (ownedIt) {
					segmentRows.stream()
						.filter((row) -> row.started() > kill.at() && !row.replica().equals(kill.replica()))
						.findFirst()
						.ifPresent((row) -> handovers.add((row.started() - kill.at()) / 1_000));
				}
			}
		});
		int overlaps = overlapping.size();
		String firstOverlap = overlapping.isEmpty() ? "" : overlapping.get(0);
		return new ScaleOutReport(options, written.size(), rows.size(), missing, duplicates, perHandover, overlaps,
				firstOverlap, kills, handovers, tookOver, seconds);
	}

	/**
	 * Count, in the rows of one segment (or of the whole subscription) in start order, the rows of events already
	 * handled after each change of replica, and the calls that started while another replica's call had not ended.
	 */
	private static void checkOneReplicaAtATime(List<Row> byStart, List<Integer> perHandover, List<String> overlaps) {
		Set<UUID> seen = new HashSet<>();
		String current = null;
		int first = perHandover.size();
		Row latest = null;
		for (Row row : byStart) {
			if (current != null && !current.equals(row.replica())) {
				perHandover.add(0);
			}
			current = row.replica();
			if (!seen.add(row.eventId()) && perHandover.size() > first) {
				perHandover.set(perHandover.size() - 1, perHandover.get(perHandover.size() - 1) + 1);
			}
			// Calls of one replica are sequential, so a call that starts before the latest-ending call so far has
			// ended overlaps a call of another replica.
			if (latest != null && row.started() < latest.ended() && !latest.replica().equals(row.replica())) {
				overlaps.add(row + " started before " + latest + " ended");
			}
			if (latest == null || row.ended() > latest.ended()) {
				latest = row;
			}
		}
	}

	/**
	 * Whether the run proved what the mode promises: every event handled (exactly once with {@code jdbc}; with
	 * {@code kurrentdb} again at most one checkpoint interval per handover), no overlap, every kill taken over.
	 * @return true if it did
	 */
	public boolean passed() {
		boolean duplicatesAllowed = switch (this.options.mode()) {
			case JDBC -> this.duplicates == 0;
			case KURRENTDB -> maxDuplicatesPerHandover() <= this.options.checkpointEvery()
					&& this.duplicates == this.duplicatesPerHandover.stream().mapToInt(Integer::intValue).sum();
		};
		return this.tookOver && this.missing == 0 && this.overlaps == 0 && duplicatesAllowed;
	}

	/**
	 * The most rows of already handled events after one handover.
	 * @return the maximum, 0 without handovers
	 */
	public int maxDuplicatesPerHandover() {
		return this.duplicatesPerHandover.stream().mapToInt(Integer::intValue).max().orElse(0);
	}

	/**
	 * The report as Markdown lines.
	 * @return the text
	 */
	public String toMarkdown() {
		List<Long> sorted = this.handoverMillis.stream().sorted().toList();
		String handover = sorted.isEmpty() ? "none measured"
				: sorted.get(0) + " / " + sorted.get(sorted.size() / 2) + " / " + sorted.get(sorted.size() - 1)
						+ " ms (min / median / max over " + sorted.size() + ")";
		long ownerKills = this.kills.stream().filter(Kill::owner).count();
		return String.join("\n", "| Measure | Value |", "|---|---|",
				"| mode | `" + this.options.mode().name().toLowerCase(java.util.Locale.ROOT) + "`"
						+ ((this.options.segments() > 1) ? ", " + this.options.segments() + " segments" : "") + " |",
				"| events written / handler rows | " + this.written + " / " + this.rows + " |",
				"| replicas / kills (of the owner) | " + this.options.replicas() + " / " + this.kills.size() + " ("
						+ ownerKills + ") |",
				"| lease-ttl / renew-interval / checkpoint every | " + this.options.leaseTtl().toMillis() + " ms / "
						+ this.options.renewInterval().toMillis() + " ms / " + this.options.checkpointEvery()
						+ " events |",
				"| events never handled | " + this.missing + " |",
				"| duplicate rows (total) | " + this.duplicates + " |",
				"| handovers / duplicates per handover (max) | " + this.duplicatesPerHandover.size() + " / "
						+ maxDuplicatesPerHandover() + " |",
				"| overlapping handler calls of two replicas" + ((this.options.segments() > 1) ? " (same segment)" : "")
						+ " | " + this.overlaps + " |",
				"| handover after killing the owner" + ((this.options.segments() > 1) ? " of a segment" : "")
						+ " (kill to first handler call) | " + handover + " |",
				"| run time | " + String.format(java.util.Locale.ROOT, "%.1f", this.seconds) + " s |",
				"| result | " + (passed() ? "PASSED" : "FAILED") + " |")
				+ (this.firstOverlap.isEmpty() ? "" : "\nFirst overlap: " + this.firstOverlap)
				+ (this.tookOver ? "" : "\nA wait for the subscription to be handled again timed out.");
	}

}
