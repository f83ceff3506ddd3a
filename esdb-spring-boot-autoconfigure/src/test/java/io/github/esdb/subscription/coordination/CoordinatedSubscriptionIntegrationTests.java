package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpoint;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.OrderPlaced;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionOwnedElsewhereException;
import io.github.esdb.subscription.SubscriptionOwnership;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Replicas as application contexts in one JVM against one embedded server, with the leases in KurrentDB
 * ({@code esdb.subscriptions.coordination.mode=kurrentdb}): one replica handles the events, the other stands by and
 * shows who owns the subscription; when the owner stops, the other takes over from the checkpoint; an owner whose
 * renewals are held up (a paused JVM, a lost connection) stops calling handlers at its local deadline, before the
 * other takes over.
 */
class CoordinatedSubscriptionIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(4);

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	private static ApplicationContextRunner replica(String name, String stream, Handlings handlings) {
		return esdb.runner()
			.withUserConfiguration(ReplicaConfiguration.class)
			.withBean(Handlings.class, () -> handlings)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=kurrentdb",
					"esdb.subscriptions.coordination.mode=kurrentdb",
					"esdb.subscriptions.coordination.lease-ttl=" + TTL.toMillis() + "ms",
					"esdb.subscriptions.coordination.renew-interval=300ms",
					"esdb.subscriptions.coordination.instance-id=" + name,
					"esdb.subscriptions.checkpoint.every-events=5", "esdb.subscriptions.checkpoint.every=200ms",
					"test.stream=" + stream, "test.id=" + stream);
	}

	private static Health health(AssertableApplicationContext context, String id) {
		CompositeHealthContributor all = context.getBean("esdbSubscriptionsHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) all.getContributor(id)).health();
	}

	private static double counter(AssertableApplicationContext context, String name, String id) {
		var counter = context.getBean(MeterRegistry.class).find(name).tag("subscription", id).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void aResetTakesTheLeaseOnlyTheOwnerCanResetAndTheSubscriptionReplaysFromTheTarget() {
		String stream = ObservabilityTestSupport.unique("coordinated-reset");
		Handlings handlings = new Handlings();
		Replicas.write(esdb, stream, 0, 10);
		replica("replica-a", stream, handlings).run((a) -> {
			await().atMost(PATIENCE).until(() -> handlings.count() == 10);
			replica("replica-b", stream, handlings).run((b) -> {
				await().atMost(PATIENCE)
					.until(() -> "replica-a".equals(Replicas.snapshot(b, stream).ownership().owner()));
				// Moving the checkpoint needs the lease, which the running owner holds.
				assertThatExceptionOfType(SubscriptionOwnedElsewhereException.class)
					.isThrownBy(() -> b.getBean(SubscriptionRegistry.class).reset(stream, StartPosition.revision(5)))
					.withMessageContaining("replica-a");
				// Refused, it stands by again rather than staying stopped.
				await().atMost(PATIENCE)
					.until(() -> Replicas.snapshot(b, stream).state() == SubscriptionState.STANDBY);
				assertThat(handlings.revisionsOf("replica-b")).isEmpty();
			});
			// The owner resets: it stops, takes the lease for the reset, stores the checkpoint before revision 5 and
			// runs again from there.
			Checkpoint stored = a.getBean(SubscriptionRegistry.class).reset(stream, StartPosition.revision(5));
			assertThat(stored).isEqualTo(Checkpoint.ofRevision(4));
			await().atMost(PATIENCE).until(() -> handlings.count() == 15);
			assertThat(handlings.revisionsOf("replica-a")).containsExactlyElementsOf(
					LongStream.concat(LongStream.range(0, 10), LongStream.range(5, 10)).boxed().toList());
			await().atMost(PATIENCE).until(() -> Replicas.runsHere(a, stream));
		});
	}

	@Test
	void oneReplicaHandlesTheOtherStandsByAndTakesOverFromTheCheckpointWhenTheOwnerStops() {
		String stream = ObservabilityTestSupport.unique("coordinated");
		Handlings handlings = new Handlings();
		Replicas.write(esdb, stream, 0, 30);
		replica("replica-a", stream, handlings).run((a) -> {
			await().atMost(PATIENCE).until(() -> Replicas.runsHere(a, stream));
			replica("replica-b", stream, handlings).run((b) -> {
				await().atMost(PATIENCE).until(() -> handlings.count() == 30);
				Replicas.write(esdb, stream, 30, 30);
				await().atMost(PATIENCE).until(() -> handlings.count() == 60);

				// Only the owner handled; the other stands by and says who owns the subscription until when (once
				// it tried to acquire the lease).
				await().atMost(PATIENCE)
					.until(() -> "replica-a".equals(Replicas.snapshot(b, stream).ownership().owner()));
				assertThat(handlings.revisionsOf("replica-b")).isEmpty();
				SubscriptionSnapshot standing = Replicas.snapshot(b, stream);
				assertThat(standing.state()).isEqualTo(SubscriptionState.STANDBY);
				assertThat(standing.ownership()).satisfies((ownership) -> {
					assertThat(ownership.instanceId()).isEqualTo("replica-b");
					assertThat(ownership.owner()).isEqualTo("replica-a");
					assertThat(ownership.mode()).isEqualTo("kurrentdb");
					assertThat(ownership.until()).isNotNull();
					assertThat(ownership.owned()).isFalse();
				});
				Health standby = health(b, stream);
				assertThat(standby.getStatus()).isEqualTo(Status.UP);
				assertThat(standby.getDetails()).containsEntry("state", SubscriptionState.STANDBY)
					.containsEntry("owner", "replica-a")
					.containsEntry("ownedHere", false)
					.containsEntry("lagEvents", "unknown");
				Health owner = health(a, stream);
				assertThat(owner.getDetails()).containsEntry("owner", "replica-a").containsEntry("ownedHere", true);
				assertThat(b.getBean("esdbSubscriptionsCaughtUpHealthIndicator", HealthIndicator.class)
					.health()
					.getStatus()).as("a standing-by replica is ready").isEqualTo(Status.UP);
				SubscriptionOwnership shown = b.getBean(SubscriptionsEndpoint.class).subscription(stream).ownership();
				assertThat(shown.owner()).isEqualTo("replica-a");
				assertThat(counter(a, "esdb.subscription.lease.acquired", stream)).isEqualTo(1);

				// The owner stops (a rolling deployment): it commits, releases, and the other takes over at once.
				a.close();
				long stoppedAt = System.nanoTime();
				await().atMost(PATIENCE).until(() -> Replicas.runsHere(b, stream));
				Duration handover = Duration.ofNanos(System.nanoTime() - stoppedAt);
				System.out.println("Coordinated handover after a graceful stop: " + handover.toMillis() + " ms");
				assertThat(handover).as("handover after a release").isLessThan(TTL);
				Replicas.write(esdb, stream, 60, 30);
				await().atMost(PATIENCE).until(() -> handlings.count() == 90);
				assertThat(handlings.revisionsOf("replica-b")).as("resumed after the stored checkpoint")
					.containsExactlyElementsOf(LongStream.range(60, 90).boxed().toList());
				assertThat(counter(b, "esdb.subscription.lease.acquired", stream)).isEqualTo(1);
			});
		});
		assertThat(handlings.timesHandled()).hasSize(90).allSatisfy((revision, times) -> assertThat(times).isOne());
		handlings.assertNoOverlapAcrossReplicas();
	}

	@Test
	void anOwnerWhoseRenewalsAreHeldUpStopsHandlingBeforeTheOtherTakesOver() {
		String stream = ObservabilityTestSupport.unique("paused");
		Handlings handlings = new Handlings();
		PausableLeaseStore paused = new PausableLeaseStore();
		LostReasons lostByA = new LostReasons();
		Replicas.write(esdb, stream, 0, 20);
		replica("replica-a", stream, handlings).withBean(PausableLeaseStore.class, () -> paused)
			.withBean(LostReasons.class, () -> lostByA)
			.withPropertyValues("test.handler-delay=20")
			.run((a) -> {
				await().atMost(PATIENCE).until(() -> Replicas.runsHere(a, stream) && handlings.count() == 20);
				replica("replica-b", stream, handlings).run((b) -> {
					await().atMost(PATIENCE).until(() -> Replicas.snapshot(b, stream).state() == SubscriptionState.STANDBY);
					// A's renewals hang (its JVM paused, its connection cut) while its worker goes on.
					paused.pause();
					long pausedAt = System.nanoTime();
					Replicas.write(esdb, stream, 20, 300);
					await().atMost(PATIENCE).until(() -> Replicas.runsHere(b, stream));
					Duration takeover = Duration.ofNanos(System.nanoTime() - pausedAt);
					System.out.println("Coordinated takeover from a paused owner (lease TTL " + TTL.toMillis()
							+ " ms): " + takeover.toMillis() + " ms");
					assertThat(takeover).as("takeover within the TTL and a few renew intervals")
						.isLessThan(TTL.multipliedBy(3));
					await().atMost(PATIENCE).until(() -> handlings.timesHandled().size() == 320);
					assertThat(Replicas.snapshot(a, stream).state()).as("its worker stopped at its local deadline")
						.isEqualTo(SubscriptionState.STANDBY);
					// A's last renewal was sent before the pause: its local deadline is at most TTL less a fifth later.
					long deadline = pausedAt + TTL.minus(TTL.dividedBy(5)).toNanos();
					assertThat(handlings.all).filteredOn((h) -> h.replica().equals("replica-a"))
						.as("no handler of A starts past its local deadline")
						.allSatisfy((h) -> assertThat(h.startNanos() - deadline).isNegative());

					// A comes back: its renewal finds the lease taken over; it stands by.
					paused.resume();
					await().atMost(PATIENCE)
						.until(() -> counter(a, "esdb.subscription.lease.lost", stream) == 1
								&& "replica-b".equals(Replicas.snapshot(a, stream).ownership().owner()));
					assertThat(lostByA.reasons).as("what stopped A's worker, not what its late renewal found")
						.containsExactly("no renewal succeeded within the lease TTL less a safety margin (its local "
								+ "deadline passed)");
					Replicas.write(esdb, stream, 320, 10);
					await().atMost(PATIENCE).until(() -> handlings.timesHandled().size() == 330);
				});
			});
		handlings.assertNoOverlapAcrossReplicas();
		List<Long> byA = handlings.revisionsOf("replica-a");
		List<Long> byB = handlings.revisionsOf("replica-b");
		assertThat(byA).as("A handled before the pause").isNotEmpty();
		assertThat(byB).as("B took over").isNotEmpty().contains(329L);
		// At least once: B resumed from the last checkpoint A committed.
		assertThat(handlings.timesHandled()).hasSize(330).allSatisfy((revision, times) -> assertThat(times).isLessThanOrEqualTo(2));
		long duplicates = handlings.timesHandled().values().stream().filter((times) -> times > 1).count();
		// Checkpoints every 5 events: the events after A's last one, and one more interval when B loaded the
		// checkpoint before A's last (asynchronous) write landed.
		assertThat(duplicates).isLessThanOrEqualTo(10);
	}

	/** The reasons given to lease listeners for the losses of one replica. */
	static final class LostReasons implements LeaseListener {

		final List<String> reasons = new CopyOnWriteArrayList<>();

		@Override
		public void lost(SubscriptionLease lease, String reason) {
			this.reasons.add(reason);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplicaConfiguration {

		@Bean
		ReplicaHandler replicaHandler(Handlings handlings,
				@Value("${esdb.subscriptions.coordination.instance-id}") String replica,
				@Value("${test.handler-delay:0}") long delayMillis, KurrentDBClientProvider clients,
				EventSerializer serializer, org.springframework.beans.factory.ObjectProvider<PausableLeaseStore> pausable) {
			PausableLeaseStore store = pausable.getIfAvailable();
			if (store != null) {
				store.use(new KurrentDBLeaseStore(clients::client, serializer, "$esdb-lease-", Duration.ofSeconds(10)));
			}
			return new ReplicaHandler(handlings, replica, delayMillis);
		}

	}

	static class ReplicaHandler {

		private final Handlings handlings;

		private final String replica;

		private final long delayMillis;

		ReplicaHandler(Handlings handlings, String replica, long delayMillis) {
			this.handlings = handlings;
			this.replica = replica;
			this.delayMillis = delayMillis;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event, EventContext context) throws InterruptedException {
			long start = System.nanoTime();
			if (this.delayMillis > 0) {
				Thread.sleep(this.delayMillis);
			}
			this.handlings.add(this.replica, context.revision(), start);
		}

	}

}
