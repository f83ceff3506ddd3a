package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpoint;
import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.JdbcLeaseStoreAutoConfiguration;
import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.OrderPlaced;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.PartitionCheckpointStore;
import io.github.esdb.subscription.SubscriptionOwnedElsewhereException;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Coordination (one replica runs a catch-up subscription under a lease) together with the features it meets: a
 * replay of parked events or a reset asked of a standby replica is refused, names the owner and leaves the replica
 * standing by; exactly once with concurrency starts and writes its partition positions through the fenced store;
 * and, without coordination, a catch-up batch handler never runs alongside a replay of parked events, and a parked
 * event's reason keeps no secret. Real parts throughout: the embedded server over TCP, KurrentDB or PostgreSQL
 * leases and checkpoints, a Spring context per replica.
 */
class CoordinationInteractionIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	private static ApplicationContextRunner replica(String name, String stream) {
		return esdb.runner()
			.withUserConfiguration(Config.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=kurrentdb",
					"esdb.subscriptions.coordination.mode=kurrentdb", "esdb.subscriptions.coordination.lease-ttl=4s",
					"esdb.subscriptions.coordination.renew-interval=300ms",
					"esdb.subscriptions.coordination.instance-id=" + name, "esdb.subscriptions.catch-up.on-error=park",
					"esdb.subscriptions.catch-up.retry.max-attempts=0", "test.stream=" + stream, "test.id=" + stream);
	}

	static final AtomicBoolean failing = new AtomicBoolean(true);

	static final List<String> handledBy = new java.util.concurrent.CopyOnWriteArrayList<>();

	@Test
	void aReplayOnAStandbyReplicaIsRefusedAndTheOwnerReplaysTheParkedEvent() {
		String stream = ObservabilityTestSupport.unique("standby-replay");
		failing.set(true);
		handledBy.clear();
		Replicas.write(esdb, stream, 0, 1);
		replica("replica-a", stream).run((a) -> {
			await().atMost(PATIENCE).until(() -> Replicas.runsHere(a, stream));
			SubscriptionRegistry registryA = a.getBean(SubscriptionRegistry.class);
			await().atMost(PATIENCE).until(() -> registryA.parkedCount(stream) == 1);
			String reasonBefore = registryA.parked(stream, 0, 1).get(0).reason();
			replica("replica-b", stream).run((b) -> {
				await().atMost(PATIENCE).until(() -> Replicas.snapshot(b, stream).state() == SubscriptionState.STANDBY
						&& "replica-a".equals(Replicas.snapshot(b, stream).ownership().owner()));
				failing.set(false);
				Throwable refused = catchThrowable(() -> b.getBean(SubscriptionRegistry.class).replayParked(stream));
				assertThat(refused).isInstanceOf(SubscriptionOwnedElsewhereException.class)
					.hasMessageContaining("replica-a")
					.hasMessageContaining("replay its parked events there");
				assertThat(handledBy).as("handled on the standby").isEmpty();
				List<ParkedEvent> after = registryA.parked(stream, 0, 10);
				assertThat(after).hasSize(1);
				assertThat(after.get(0).reason()).isEqualTo(reasonBefore);
				assertThat(Replicas.snapshot(b, stream).state()).isEqualTo(SubscriptionState.STANDBY);
				// The owner replays it: the handler sees it, and it leaves the parked stream.
				assertThat(registryA.replayParked(stream)).isEqualTo(1);
				await().atMost(PATIENCE).until(() -> handledBy.stream().anyMatch((handled) -> handled.endsWith("@0")));
				await().atMost(PATIENCE).until(() -> registryA.parkedCount(stream) == 0);
			});
		});
	}

	@Test
	void exactlyOnceWithConcurrencyRunsAsSegmentsUnderJdbcCoordination() {
		String stream = ObservabilityTestSupport.unique("coord-partitions");
		esdb.runner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, JdbcLeaseStoreAutoConfiguration.class))
			.withUserConfiguration(TxConfig.class)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always",
					"esdb.subscriptions.coordination.mode=jdbc", "esdb.subscriptions.coordination.lease-ttl=4s",
					"esdb.subscriptions.coordination.renew-interval=300ms",
					"esdb.subscriptions.coordination.instance-id=a", "esdb.subscriptions.concurrency=2",
					"test.stream=" + stream, "test.id=" + stream)
			.run((context) -> {
				assertThat(context.getStartupFailure()).as("coordinated transactional subscription with concurrency 2")
					.isNull();
				await().atMost(PATIENCE).until(() -> Replicas.runsHere(context, stream));
				Replicas.write(esdb, stream, 0, 4);
				// Coordinated, concurrency 2 means two segments, each with its checkpoint written under its lease
				// (in the handler's transaction for the segment that handles the stream's events).
				PartitionCheckpointStore store = context.getBean(PartitionCheckpointStore.class);
				await().atMost(PATIENCE).until(() -> txHandled.size() == 4);
				await().atMost(PATIENCE)
					.until(() -> store.load(stream + "/segment-0-of-2").isPresent()
							&& store.load(stream + "/segment-1-of-2").isPresent());
				assertThat(store.loadPartitions(stream)).as("no partition positions: segments run one at a time")
					.isEmpty();
				assertThat(Replicas.snapshot(context, stream).segments()).hasSize(2)
					.allSatisfy((segment) -> assertThat(segment.owner()).isEqualTo("a"));
				assertThat(Replicas.runsHere(context, stream)).as("still runs here, holding its leases").isTrue();
			});
	}

	@Test
	void aResetOnAStandbyReplicaLeavesItStandingBy() {
		String stream = ObservabilityTestSupport.unique("standby-reset");
		failing.set(false);
		Replicas.write(esdb, stream, 0, 1);
		replica("replica-a", stream).run((a) -> {
			await().atMost(PATIENCE).until(() -> Replicas.runsHere(a, stream));
			replica("replica-b", stream).run((b) -> {
				await().atMost(PATIENCE).until(() -> Replicas.snapshot(b, stream).state() == SubscriptionState.STANDBY
						&& "replica-a".equals(Replicas.snapshot(b, stream).ownership().owner()));
				Throwable refused = catchThrowable(() -> b.getBean(SubscriptionRegistry.class)
					.reset(stream, io.github.esdb.subscription.StartPosition.START));
				assertThat(refused).isInstanceOf(SubscriptionOwnedElsewhereException.class)
					.hasMessageContaining("replica-a");
				assertThat(Replicas.snapshot(b, stream).state()).as("B after a refused reset")
					.isEqualTo(SubscriptionState.STANDBY);
				// The actuator endpoint answers the same refusal with 400, naming the owner.
				Throwable viaEndpoint = catchThrowable(() -> b.getBean(SubscriptionsEndpoint.class).reset(stream, "start"));
				assertThat(viaEndpoint).isInstanceOf(InvalidEndpointRequestException.class)
					.hasMessageContaining("replica-a");
				assertThat(Replicas.snapshot(b, stream).state()).as("B after a refused reset through the endpoint")
					.isEqualTo(SubscriptionState.STANDBY);
				assertThat(Replicas.runsHere(a, stream)).as("A still runs it").isTrue();
			});
		});
	}

	@Test
	void aParkedReasonKeepsNoSecret() {
		String id = ObservabilityTestSupport.unique("secret");
		Replicas.write(esdb, id, 0, 1);
		esdb.runner()
			.withUserConfiguration(SecretConfig.class)
			.withPropertyValues("esdb.subscriptions.catch-up.on-error=park",
					"esdb.subscriptions.catch-up.retry.max-attempts=0", "test.id=" + id)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(PATIENCE).until(() -> registry.parkedCount(id) == 1);
				ParkedEvent parked = registry.parked(id, 0, 1).get(0);
				assertThat(parked.error()).contains("IllegalStateException").contains("***");
				assertThat(parked.error()).doesNotContain("changeit").doesNotContain("hunter2");
				assertThat(parked.reason()).doesNotContain("changeit").doesNotContain("hunter2");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class SecretConfig {

		@Bean
		SecretHandler secretHandler() {
			return new SecretHandler();
		}

	}

	static class SecretHandler {

		@EventSubscription(id = "${test.id}", stream = "${test.id}")
		void on(OrderPlaced event) {
			throw new IllegalStateException("cannot reach esdb://admin:changeit@db:2113 with password=hunter2");
		}

	}

	static final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

	static final java.util.concurrent.atomic.AtomicInteger maxActive = new java.util.concurrent.atomic.AtomicInteger();

	static final AtomicBoolean batchPoison = new AtomicBoolean(true);

	@Test
	void aCatchUpReplayNeverRunsABatchHandlerAlongsideItsWorker() throws Exception {
		String id = ObservabilityTestSupport.unique("batch-replay");
		Replicas.write(esdb, id, 0, 1);
		esdb.runner()
			.withUserConfiguration(BatchConfig.class)
			.withPropertyValues("esdb.subscriptions.catch-up.on-error=park",
					"esdb.subscriptions.catch-up.retry.max-attempts=0", "test.id=" + id)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(PATIENCE).until(() -> registry.parkedCount(id) == 1);
				batchPoison.set(false);
				Replicas.write(esdb, id, 1, 1);
				await().atMost(PATIENCE).until(() -> active.get() == 1);
				assertThat(registry.replayParked(id)).isEqualTo(1);
				assertThat(maxActive.get()).as("batch handler calls at once").isEqualTo(1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class BatchConfig {

		@Bean
		BatchHandler batchHandler() {
			return new BatchHandler();
		}

	}

	static class BatchHandler {

		@EventSubscription(id = "${test.id}", stream = "${test.id}", batchSize = "10")
		void on(List<OrderPlaced> events) throws InterruptedException {
			int now = active.incrementAndGet();
			maxActive.accumulateAndGet(now, Math::max);
			try {
				if (batchPoison.get()) {
					throw new IllegalArgumentException("poison");
				}
				Thread.sleep(3000);
			}
			finally {
				active.decrementAndGet();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Handler handler() {
			return new Handler();
		}

	}

	static class Handler {

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event, EventContext context) {
			if (failing.get()) {
				throw new IllegalArgumentException("poison " + context.revision());
			}
			handledBy.add(Thread.currentThread().getName() + "@" + context.revision());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TxConfig {

		@Bean
		TxHandler txHandler(JdbcClient jdbc) {
			return new TxHandler();
		}

	}

	static class TxHandler {

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "true")
		void on(OrderPlaced event, EventContext context) {
			txHandled.add(context.revision());
		}

	}

	static final java.util.Set<Long> txHandled = java.util.concurrent.ConcurrentHashMap.newKeySet();

}
