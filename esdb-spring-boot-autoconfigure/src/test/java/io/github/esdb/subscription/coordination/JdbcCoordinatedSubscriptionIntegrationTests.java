package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
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

import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.JdbcLeaseStoreAutoConfiguration;
import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.OrderPlaced;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas as application contexts in one JVM, with transactional read models, checkpoints and leases in the real
 * PostgreSQL ({@code esdb.subscriptions.coordination.mode=jdbc}): each event is in the read model exactly once, by
 * one replica, across a handover after a stop and across a takeover from an owner paused in the middle of a
 * handler's transaction, whose commit is fenced.
 */
class JdbcCoordinatedSubscriptionIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static ObservabilityTestSupport esdb;

	@BeforeAll
	static void start() {
		esdb = new ObservabilityTestSupport();
		postgres.jdbc()
			.sql("CREATE TABLE handled (subscription_id VARCHAR(200) NOT NULL, replica VARCHAR(50) NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	@AfterAll
	static void stop() {
		if (esdb != null) {
			esdb.close();
		}
	}

	private static ApplicationContextRunner replica(String name, String stream) {
		return esdb.runner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, JdbcLeaseStoreAutoConfiguration.class))
			.withUserConfiguration(ReadModelConfiguration.class)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always",
					"esdb.subscriptions.coordination.mode=jdbc", "esdb.subscriptions.coordination.lease-ttl=4s",
					"esdb.subscriptions.coordination.renew-interval=300ms",
					"esdb.subscriptions.coordination.instance-id=" + name, "esdb.subscriptions.shutdown-timeout=5s",
					"test.stream=" + stream, "test.id=" + stream);
	}

	private static long rows(String stream) {
		return postgres.jdbc()
			.sql("SELECT COUNT(*) FROM handled WHERE subscription_id = ?")
			.param(stream)
			.query(Long.class)
			.single();
	}

	private static void assertExactlyOnce(String stream, int events) {
		List<Long> revisions = postgres.jdbc()
			.sql("SELECT revision FROM handled WHERE subscription_id = ? ORDER BY revision")
			.param(stream)
			.query(Long.class)
			.list();
		assertThat(revisions).containsExactlyElementsOf(IntStream.range(0, events).mapToObj(Long::valueOf).toList());
	}

	private static List<Long> revisionsOf(String stream, String replica) {
		return postgres.jdbc()
			.sql("SELECT revision FROM handled WHERE subscription_id = ? AND replica = ? ORDER BY revision")
			.param(stream)
			.param(replica)
			.query(Long.class)
			.list();
	}

	@Test
	void theOtherReplicaTakesOverFromTheCheckpointWhenTheOwnerStops() {
		String stream = ObservabilityTestSupport.unique("jdbc-handover");
		Replicas.write(esdb, stream, 0, 40);
		replica("replica-a", stream).run((a) -> {
			await().atMost(PATIENCE).until(() -> Replicas.runsHere(a, stream) && rows(stream) == 40);
			replica("replica-b", stream).run((b) -> {
				// Standing by at once; who owns it is known after its first attempt to acquire.
				await().atMost(PATIENCE)
					.until(() -> Replicas.snapshot(b, stream).state() == SubscriptionState.STANDBY
							&& "replica-a".equals(Replicas.snapshot(b, stream).ownership().owner()));
				assertThat(Replicas.snapshot(b, stream).ownership().mode()).isEqualTo("jdbc");
				Replicas.write(esdb, stream, 40, 20);
				await().atMost(PATIENCE).until(() -> rows(stream) == 60);
				a.close();
				await().atMost(PATIENCE).until(() -> Replicas.runsHere(b, stream));
				Replicas.write(esdb, stream, 60, 20);
				await().atMost(PATIENCE).until(() -> rows(stream) == 80);
			});
		});
		assertExactlyOnce(stream, 80);
		assertThat(revisionsOf(stream, "replica-b")).startsWith(60L).endsWith(79L);
	}

	@Test
	void anOwnerPausedInTheMiddleOfAHandlersTransactionCannotCommitItAfterTheTakeover() {
		String stream = ObservabilityTestSupport.unique("jdbc-paused");
		PausableLeaseStore paused = new PausableLeaseStore();
		Blocker blocker = new Blocker(10);
		Replicas.write(esdb, stream, 0, 30);
		replica("replica-a", stream).withBean(PausableLeaseStore.class, () -> paused)
			.withBean(Blocker.class, () -> blocker)
			.run((a) -> {
				// A handles 0..9 and blocks inside the transaction of 10, after writing its row.
				await().atMost(PATIENCE).until(() -> blocker.reached.getCount() == 0);
				replica("replica-b", stream).run((b) -> {
					await().atMost(PATIENCE).until(() -> Replicas.snapshot(b, stream).state() == SubscriptionState.STANDBY);
					// Now A's JVM "pauses": no renewal, its handler still inside its transaction.
					paused.pause();
					await().atMost(PATIENCE).until(() -> Replicas.runsHere(b, stream));
					// A wakes up: its handler returns and its transaction tries to commit.
					blocker.release.countDown();
					paused.resume();
					await().atMost(PATIENCE).until(() -> rows(stream) == 30);
					await().atMost(PATIENCE)
						.until(() -> Replicas.snapshot(a, stream).state() == SubscriptionState.STANDBY
								&& "replica-b".equals(Replicas.snapshot(a, stream).ownership().owner()));
					assertThat(Replicas.snapshot(a, stream).lastError()).as("its commit was fenced by the lease row's epoch")
						.contains("Fenced: subscription '" + stream + "' was taken over (now epoch 2 held by replica-b)");
				});
			});
		assertExactlyOnce(stream, 30);
		assertThat(revisionsOf(stream, "replica-a")).as("A's row of 10 was rolled back")
			.containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(Long::valueOf).toList());
		assertThat(revisionsOf(stream, "replica-b")).startsWith(10L).endsWith(29L);
	}

	/** Holds a handler inside its transaction at one revision, once. */
	static final class Blocker {

		final long revision;

		final CountDownLatch reached = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		Blocker(long revision) {
			this.revision = revision;
		}

		void maybeBlock(long revision) throws InterruptedException {
			if (revision == this.revision && this.reached.getCount() > 0) {
				this.reached.countDown();
				this.release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReadModelConfiguration {

		@Bean
		ReadModel readModel(JdbcClient jdbc, @Value("${esdb.subscriptions.coordination.instance-id}") String replica,
				ObjectProvider<Blocker> blocker, ObjectProvider<PausableLeaseStore> pausable, DataSource dataSource) {
			PausableLeaseStore store = pausable.getIfAvailable();
			if (store != null) {
				store.use(new JdbcLeaseStore(dataSource));
			}
			return new ReadModel(jdbc, replica, blocker.getIfAvailable());
		}

	}

	static class ReadModel {

		private final JdbcClient jdbc;

		private final String replica;

		private final Blocker blocker;

		ReadModel(JdbcClient jdbc, String replica, Blocker blocker) {
			this.jdbc = jdbc;
			this.replica = replica;
			this.blocker = blocker;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "true")
		void on(OrderPlaced event, EventContext context) throws InterruptedException {
			this.jdbc.sql("INSERT INTO handled (subscription_id, replica, revision) VALUES (?, ?, ?)")
				.param(context.subscriptionId())
				.param(this.replica)
				.param(context.revision())
				.update();
			if (this.blocker != null) {
				this.blocker.maybeBlock(context.revision());
			}
		}

	}

}
