package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.SegmentOwnership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the segment tests of both lease modes share: the handler calls of every replica with their segment (the
 * worker thread is named after it) and times, and the scenario of replicas joining and leaving a subscription with
 * concurrency 4.
 */
final class SegmentReplicas {

	static final Duration PATIENCE = Duration.ofSeconds(90);

	/** One handler call. */
	record Call(String replica, String segment, String orderId, long revision, long startNanos, long endNanos) {
	}

	final List<Call> calls = new CopyOnWriteArrayList<>();

	/** The order id whose event the handler fails on, {@code null} for none. */
	private volatile @Nullable String poisoned;

	void poison(@Nullable String orderId) {
		this.poisoned = orderId;
	}

	void failIfPoisoned(String orderId) {
		if (orderId.equals(this.poisoned)) {
			throw new IllegalStateException("poisoned " + orderId);
		}
	}

	void add(String replica, String orderId, long revision, long startNanos) {
		// The worker thread is named after the segment's checkpoint id: esdb-subscription-<id>/segment-i-of-n.
		String thread = Thread.currentThread().getName();
		String segment = thread.substring(thread.lastIndexOf('/') + 1);
		this.calls.add(new Call(replica, segment, orderId, revision, startNanos, System.nanoTime()));
	}

	long distinctRevisions() {
		return this.calls.stream().map(Call::revision).distinct().count();
	}

	Map<Long, Long> timesHandled() {
		return new TreeMap<>(this.calls.stream().collect(Collectors.groupingBy(Call::revision, Collectors.counting())));
	}

	/** The segments as a replica sees them: owner of each (or "none"). */
	static List<String> owners(AssertableApplicationContext context, String id) {
		return Replicas.snapshot(context, id)
			.segments()
			.stream()
			.map(SegmentOwnership::owner)
			.map((owner) -> Objects.requireNonNullElse(owner, "none"))
			.toList();
	}

	static Map<String, Long> counts(AssertableApplicationContext context, String id) {
		return owners(context, id).stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new,
				Collectors.counting()));
	}

	/**
	 * Replica a alone takes all 4 segments; b joining gets 2; c joining gets 1 (2+1+1); when a stops, b and c take
	 * its segments over (2+2); events are written at each step and all of them handled. Prints the times.
	 */
	void joinAndLeave(ObservabilityTestSupport esdb, Function<String, ApplicationContextRunner> replica, String id,
			String stream) {
		Replicas.write(esdb, stream, 0, 100);
		replica.apply("replica-a").run((a) -> {
			await().atMost(PATIENCE)
				.until(() -> counts(a, id).equals(Map.of("replica-a", 4L)) && distinctRevisions() == 100);
			replica.apply("replica-b").run((b) -> {
				long joined = System.nanoTime();
				await().atMost(PATIENCE)
					.until(() -> counts(a, id).equals(Map.of("replica-a", 2L, "replica-b", 2L))
							&& counts(b, id).equals(Map.of("replica-a", 2L, "replica-b", 2L)));
				System.out.println("Segments: a second replica got its 2 of 4 segments in " + millisSince(joined) + " ms");
				Replicas.write(esdb, stream, 100, 100);
				await().atMost(PATIENCE).until(() -> distinctRevisions() == 200);
				replica.apply("replica-c").run((c) -> {
					long thirdJoined = System.nanoTime();
					await().atMost(PATIENCE).until(() -> {
						Map<String, Long> seen = counts(c, id);
						return seen.keySet().equals(java.util.Set.of("replica-a", "replica-b", "replica-c"))
								&& seen.values().stream().allMatch((count) -> count >= 1 && count <= 2);
					});
					System.out.println("Segments: a third replica got its share in " + millisSince(thirdJoined)
							+ " ms: " + counts(c, id));
					assertThat(Replicas.snapshot(c, id).ownership().owned()).isTrue();
					Replicas.write(esdb, stream, 200, 100);
					await().atMost(PATIENCE).until(() -> distinctRevisions() == 300);
					a.close();
					long stopped = System.nanoTime();
					await().atMost(PATIENCE)
						.until(() -> counts(c, id).equals(Map.of("replica-b", 2L, "replica-c", 2L))
								&& counts(b, id).equals(Map.of("replica-b", 2L, "replica-c", 2L)));
					System.out.println("Segments: the stopped replica's segments were taken over in "
							+ millisSince(stopped) + " ms");
					Replicas.write(esdb, stream, 300, 100);
					await().atMost(PATIENCE).until(() -> distinctRevisions() == 400);
				});
			});
		});
		assertThat(this.calls.stream().map(Call::replica).distinct()).contains("replica-a", "replica-b", "replica-c");
		assertEverySegmentKeepsItsKeys();
		assertNoOverlapPerSegment();
	}

	private static long millisSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
	}

	/** An order's events all went to one segment, whichever replica ran it. */
	void assertEverySegmentKeepsItsKeys() {
		Map<String, List<String>> segmentsOfKey = this.calls.stream()
			.collect(Collectors.groupingBy(Call::orderId,
					Collectors.mapping(Call::segment, Collectors.collectingAndThen(Collectors.toSet(), ArrayList::new))));
		assertThat(segmentsOfKey).allSatisfy((key, segments) -> assertThat(segments).as(key).hasSize(1));
		assertThat(this.calls.stream().map(Call::segment).distinct()).as("every segment handled events")
			.containsExactlyInAnyOrder("segment-0-of-4", "segment-1-of-4", "segment-2-of-4", "segment-3-of-4");
	}

	/** No handler call of a segment on one replica overlaps a call of the same segment on another. */
	void assertNoOverlapPerSegment() {
		Map<String, List<Call>> bySegment = this.calls.stream().collect(Collectors.groupingBy(Call::segment));
		bySegment.forEach((segment, calls) -> {
			List<Call> sorted = new ArrayList<>(calls);
			sorted.sort(java.util.Comparator.comparingLong(Call::startNanos));
			Call latest = sorted.get(0);
			for (Call next : sorted.subList(1, sorted.size())) {
				assertThat(next.startNanos()).as("%s overlaps %s", next, latest).isGreaterThanOrEqualTo(latest.endNanos());
				latest = (next.endNanos() > latest.endNanos()) ? next : latest;
			}
		});
	}

}
