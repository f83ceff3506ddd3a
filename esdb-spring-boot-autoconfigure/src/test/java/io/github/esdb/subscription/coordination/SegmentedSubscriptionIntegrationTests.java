package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpoint;
import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.OrderPlaced;
import io.github.esdb.subscription.SegmentOwnership;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionOwnedElsewhereException;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.subscription.coordination.SegmentReplicas.Call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Replicas as application contexts in one JVM against one embedded server, leases and checkpoints in KurrentDB
 * ({@code esdb.subscriptions.coordination.mode=kurrentdb}), a subscription with {@code concurrency = 4}: its 4
 * segments are shared out as replicas join and leave, every event is handled, and no segment runs on two replicas at
 * once; the snapshot, the endpoint and the health say who holds which segment.
 */
class SegmentedSubscriptionIntegrationTests {

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	private static ApplicationContextRunner replica(String name, String stream, SegmentReplicas calls) {
		return esdb.runner()
			.withUserConfiguration(SegmentConfiguration.class)
			.withBean(SegmentReplicas.class, () -> calls)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=kurrentdb",
					"esdb.subscriptions.coordination.mode=kurrentdb", "esdb.subscriptions.coordination.lease-ttl=3s",
					"esdb.subscriptions.coordination.renew-interval=300ms",
					"esdb.subscriptions.coordination.instance-id=" + name, "esdb.subscriptions.shutdown-timeout=5s",
					"esdb.subscriptions.checkpoint.every-events=5", "esdb.subscriptions.checkpoint.every=200ms",
					"test.stream=" + stream, "test.id=" + stream);
	}

	private static double acquired(org.springframework.boot.test.context.assertj.AssertableApplicationContext context,
			String leaseId) {
		var counter = context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
			.find("esdb.subscription.lease.acquired")
			.tag("subscription", leaseId)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void replicasJoiningAndLeavingShareTheSegmentsAndEveryEventIsHandled() {
		String stream = ObservabilityTestSupport.unique("segments");
		SegmentReplicas calls = new SegmentReplicas();
		calls.joinAndLeave(esdb, (name) -> replica(name, stream, calls), stream, stream);
		assertThat(calls.timesHandled()).hasSize(400);
	}

	@Test
	void theSnapshotEndpointAndHealthShowTheSegmentsAndAResetNeedsEveryReplicaStopped() {
		String stream = ObservabilityTestSupport.unique("segments-shown");
		SegmentReplicas calls = new SegmentReplicas();
		Replicas.write(esdb, stream, 0, 40);
		replica("replica-a", stream, calls).run((a) -> {
			await().atMost(SegmentReplicas.PATIENCE).until(() -> calls.distinctRevisions() == 40);
			replica("replica-b", stream, calls).run((b) -> {
				await().atMost(SegmentReplicas.PATIENCE)
					.until(() -> SegmentReplicas.counts(b, stream)
						.equals(Map.of("replica-a", 2L, "replica-b", 2L)));
				SubscriptionSnapshot snapshot = Replicas.snapshot(b, stream);
				assertThat(snapshot.concurrency()).isEqualTo(4);
				assertThat(snapshot.state().isActive()).isTrue();
				assertThat(snapshot.ownership().owned()).isTrue();
				assertThat(snapshot.segments()).extracting(SegmentOwnership::segment).containsExactly(0, 1, 2, 3);
				assertThat(snapshot.segments()).allSatisfy((segment) -> {
					assertThat(segment.epoch()).isPositive();
					assertThat(segment.until()).isNotNull();
					assertThat(segment.state()).isEqualTo(("replica-b".equals(segment.owner()))
							? segment.state() : SubscriptionState.STANDBY);
				});
				assertThat(b.getBean(SubscriptionsEndpoint.class).subscription(stream).segments())
					.extracting(SegmentOwnership::owner)
					.containsExactlyElementsOf(snapshot.segments().stream().map(SegmentOwnership::owner).toList());
				CompositeHealthContributor all = b.getBean("esdbSubscriptionsHealthContributor",
						CompositeHealthContributor.class);
				Health health = ((HealthIndicator) all.getContributor(stream)).health();
				assertThat(health.getDetails()).containsEntry("segments", 4)
					.containsEntry("segmentsUnowned", java.util.List.of());
				assertThat((java.util.List<?>) health.getDetails().get("segmentsHere")).hasSize(2);
				// The lease metrics count per segment: b acquired exactly the two it runs.
				double acquiredByB = java.util.stream.IntStream.range(0, 4)
					.mapToDouble((i) -> acquired(b, stream + "/segment-" + i + "-of-4"))
					.sum();
				assertThat(acquiredByB).isEqualTo(2);

				// A reset while the other replica runs its segments is refused before anything moves.
				b.getBean(SubscriptionRegistry.class).stop(stream);
				assertThatExceptionOfType(SubscriptionOwnedElsewhereException.class)
					.isThrownBy(() -> b.getBean(SubscriptionRegistry.class).reset(stream, StartPosition.START))
					.withMessageContaining("replica-a");
			});
			// b stopped: a takes every segment again.
			await().atMost(SegmentReplicas.PATIENCE)
				.until(() -> SegmentReplicas.counts(a, stream).equals(Map.of("replica-a", 4L)));
			a.getBean(SubscriptionRegistry.class).stop(stream);
			a.getBean(SubscriptionRegistry.class).reset(stream, StartPosition.START);
			a.getBean(SubscriptionRegistry.class).start(stream);
			await().atMost(SegmentReplicas.PATIENCE)
				.until(() -> calls.calls.size() == 80);
		});
		assertThat(calls.timesHandled()).hasSize(40).allSatisfy((revision, times) -> assertThat(times).isEqualTo(2));
		calls.assertNoOverlapPerSegment();
	}

	@Test
	void aNewNumberOfSegmentsStartsWhereEveryOldSegmentHadGotToAndLosesNothing() {
		String stream = ObservabilityTestSupport.unique("segments-resplit");
		SegmentReplicas calls = new SegmentReplicas();
		Replicas.write(esdb, stream, 0, 100);
		// The instance holding segment 0 keeps the subscription's own checkpoint at the lowest segment's.
		replica("replica-a", stream, calls).run((a) -> awaitHandledAndCheckpointed(a, stream, calls, 100, 90));
		Replicas.write(esdb, stream, 100, 50);
		replica("replica-a", stream, calls).withPropertyValues("test.concurrency=2").run((a) -> {
			await().atMost(SegmentReplicas.PATIENCE).until(() -> calls.distinctRevisions() == 150);
			assertThat(Replicas.snapshot(a, stream).segments()).hasSize(2);
		});
		Map<Long, Long> times = calls.timesHandled();
		assertThat(times).as("nothing lost").hasSize(150);
		assertThat(times.entrySet().stream().filter((entry) -> entry.getValue() > 1).map(Map.Entry::getKey))
			.as("handled again: only events after the lowest old segment's checkpoint")
			.allSatisfy((revision) -> assertThat(revision).isGreaterThanOrEqualTo(90L));
		assertThat(calls.calls.stream().filter((call) -> call.revision() >= 100).map(Call::segment).distinct())
			.containsExactlyInAnyOrder("segment-0-of-2", "segment-1-of-2");
	}

	@Test
	void aNumberOfSegmentsUsedBeforeResumesFromTheSubscriptionsCheckpointNotFromItsOldSegmentsCheckpoints() {
		String stream = ObservabilityTestSupport.unique("segments-back");
		SegmentReplicas calls = new SegmentReplicas();
		Replicas.write(esdb, stream, 0, 100);
		replica("replica-a", stream, calls).run((a) -> awaitHandledAndCheckpointed(a, stream, calls, 100, 90));
		Replicas.write(esdb, stream, 100, 50);
		replica("replica-a", stream, calls).withPropertyValues("test.concurrency=2")
			.run((a) -> awaitHandledAndCheckpointed(a, stream, calls, 150, 140));
		// Back to 4 segments: their own checkpoints are those of the first run, behind what the 2 segments handled.
		replica("replica-a", stream, calls).run((a) -> {
			CheckpointStore store = a.getBean(CheckpointStore.class);
			await().atMost(SegmentReplicas.PATIENCE)
				.until(() -> SegmentReplicas.counts(a, stream).getOrDefault("replica-a", 0L) == 4);
			// With no event to handle yet, the old segment checkpoints must not pull the subscription's back.
			await().during(Duration.ofSeconds(2))
				.atMost(SegmentReplicas.PATIENCE)
				.until(() -> store.load(stream).map((checkpoint) -> checkpoint.revision() >= 140).orElse(false));
			Replicas.write(esdb, stream, 150, 50);
			awaitHandledAndCheckpointed(a, stream, calls, 200, 190);
		});
		Map<Long, Long> times = calls.timesHandled();
		assertThat(times).as("nothing lost").hasSize(200);
		assertThat(times.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() >= 100 && entry.getKey() < 140 && entry.getValue() > 1)
			.map(Map.Entry::getKey))
			.as("events the 2 segments had handled and checkpointed are not handled again by the 4 segments")
			.isEmpty();
	}

	@Test
	void aSegmentTheErrorPolicyStopsFailsTheSubscriptionWhileTheOthersRunAndAStartResumesIt() {
		String stream = ObservabilityTestSupport.unique("segments-failed");
		SegmentReplicas calls = new SegmentReplicas();
		calls.poison("o-7");
		replica("replica-a", stream, calls)
			.withPropertyValues("esdb.subscriptions.exception-actions[java.lang.IllegalStateException]=stop",
					// Long against the renew interval: the failed segment is released at the next tick, not a TTL later.
					"esdb.subscriptions.coordination.lease-ttl=30s")
			.run((a) -> {
				Replicas.write(esdb, stream, 0, 40);
				await().atMost(SegmentReplicas.PATIENCE)
					.until(() -> Replicas.snapshot(a, stream).state() == SubscriptionState.FAILED);
				// Released at its next tick (300 ms): no instance runs it, and the snapshot says so.
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(Replicas.snapshot(a, stream).segments())
						.filteredOn((segment) -> segment.state() == SubscriptionState.FAILED)
						.singleElement()
						.satisfies((segment) -> assertThat(segment.owner()).isNull()));
				CompositeHealthContributor all = a.getBean("esdbSubscriptionsHealthContributor",
						CompositeHealthContributor.class);
				Health health = ((HealthIndicator) all.getContributor(stream)).health();
				assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
				assertThat((java.util.List<?>) health.getDetails().get("segmentsHere")).hasSize(3);
				// The other segments go on.
				long healthyBefore = calls.distinctRevisions();
				Replicas.write(esdb, stream, 40, 40);
				await().atMost(SegmentReplicas.PATIENCE).until(() -> calls.distinctRevisions() >= healthyBefore + 15);
				calls.poison(null);
				a.getBean(SubscriptionRegistry.class).start(stream);
				await().atMost(SegmentReplicas.PATIENCE).until(() -> calls.distinctRevisions() == 80);
				await().atMost(SegmentReplicas.PATIENCE)
					.until(() -> Replicas.snapshot(a, stream).state() == SubscriptionState.LIVE);
			});
	}

	/** Until that many events were handled, and the subscription's own checkpoint reached that revision. */
	private static void awaitHandledAndCheckpointed(
			org.springframework.boot.test.context.assertj.AssertableApplicationContext context, String stream,
			SegmentReplicas calls, long handled, long checkpointed) {
		await().atMost(SegmentReplicas.PATIENCE).until(() -> calls.distinctRevisions() == handled);
		CheckpointStore store = context.getBean(CheckpointStore.class);
		await().atMost(SegmentReplicas.PATIENCE)
			.until(() -> store.load(stream).map((checkpoint) -> checkpoint.revision() >= checkpointed).orElse(false));
	}

	@Configuration(proxyBeanMethods = false)
	static class SegmentConfiguration {

		@Bean
		SegmentHandler segmentHandler(SegmentReplicas calls,
				@Value("${esdb.subscriptions.coordination.instance-id}") String replica) {
			return new SegmentHandler(calls, replica);
		}

	}

	static class SegmentHandler {

		private final SegmentReplicas calls;

		private final String replica;

		SegmentHandler(SegmentReplicas calls, String replica) {
			this.calls = calls;
			this.replica = replica;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", concurrency = "${test.concurrency:4}",
				partitionBy = "payload.orderId")
		void on(OrderPlaced event, EventContext context) throws InterruptedException {
			long start = System.nanoTime();
			this.calls.failIfPoisoned(event.orderId());
			// Long enough for hand-overs to meet handlers in progress.
			Thread.sleep(2);
			this.calls.add(this.replica, event.orderId(), context.revision(), start);
		}

	}

}
