package io.github.esdb.subscription.coordination;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

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
import io.github.esdb.subscription.SegmentOwnership;
import io.github.esdb.subscription.coordination.JdbcCoordinatedSubscriptionIntegrationTests.Blocker;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas as application contexts in one JVM, a transactional read model, checkpoints and leases in the real
 * PostgreSQL ({@code esdb.subscriptions.coordination.mode=jdbc}), a subscription with {@code concurrency = 4}: as
 * replicas join and leave, each event is in the read model exactly once and no segment runs on two replicas at once;
 * a segment's owner paused in the middle of a handler's transaction cannot commit it once another replica took the
 * segment over.
 */
class JdbcSegmentedSubscriptionIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static ObservabilityTestSupport esdb;

	@BeforeAll
	static void start() {
		esdb = new ObservabilityTestSupport();
		postgres.jdbc()
			.sql("CREATE TABLE segment_handled (subscription_id VARCHAR(200) NOT NULL, replica VARCHAR(50) NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	@AfterAll
	static void stop() {
		if (esdb != null) {
			esdb.close();
		}
	}

	private static ApplicationContextRunner replica(String name, String stream, SegmentReplicas calls) {
		return esdb.runner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, JdbcLeaseStoreAutoConfiguration.class))
			.withUserConfiguration(ReadModelConfiguration.class)
			.withBean(SegmentReplicas.class, () -> calls)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always",
					"esdb.subscriptions.coordination.mode=jdbc", "esdb.subscriptions.coordination.lease-ttl=3s",
					"esdb.subscriptions.coordination.renew-interval=300ms",
					"esdb.subscriptions.coordination.instance-id=" + name, "esdb.subscriptions.shutdown-timeout=5s",
					"test.stream=" + stream, "test.id=" + stream);
	}

	private static List<Long> revisions(String stream) {
		return postgres.jdbc()
			.sql("SELECT revision FROM segment_handled WHERE subscription_id = ? ORDER BY revision")
			.param(stream)
			.query(Long.class)
			.list();
	}

	@Test
	void replicasJoiningAndLeavingShareTheSegmentsAndEachEventCommitsExactlyOnce() {
		String stream = ObservabilityTestSupport.unique("jdbc-segments");
		SegmentReplicas calls = new SegmentReplicas();
		calls.joinAndLeave(esdb, (name) -> replica(name, stream, calls), stream, stream);
		assertThat(revisions(stream)).containsExactlyElementsOf(LongStream.range(0, 400).boxed().toList());
	}

	@Test
	void aSegmentsOwnerPausedInTheMiddleOfAHandlersTransactionCannotCommitItAfterTheTakeover() {
		String stream = ObservabilityTestSupport.unique("jdbc-segment-paused");
		SegmentReplicas calls = new SegmentReplicas();
		PausableLeaseStore paused = new PausableLeaseStore();
		Blocker blocker = new Blocker(10);
		Replicas.write(esdb, stream, 0, 60);
		replica("replica-a", stream, calls).withBean(PausableLeaseStore.class, () -> paused)
			.withBean(Blocker.class, () -> blocker)
			.run((a) -> {
				// A holds every segment and blocks inside the transaction of revision 10, after writing its row.
				await().atMost(SegmentReplicas.PATIENCE).until(() -> blocker.reached.getCount() == 0);
				replica("replica-b", stream, calls).run((b) -> {
					// A's renewals and heartbeats hang (its JVM paused) while its handler is in its transaction.
					paused.pause();
					await().atMost(SegmentReplicas.PATIENCE)
						.until(() -> SegmentReplicas.counts(b, stream).equals(Map.of("replica-b", 4L)));
					blocker.release.countDown();
					paused.resume();
					await().atMost(SegmentReplicas.PATIENCE).until(() -> revisions(stream).size() >= 60);
				});
			});
		assertThat(revisions(stream)).as("each event once: A's row of 10 was rolled back")
			.containsExactlyElementsOf(LongStream.range(0, 60).boxed().toList());
		assertThat(postgres.jdbc()
			.sql("SELECT replica FROM segment_handled WHERE subscription_id = ? AND revision = 10")
			.param(stream)
			.query(String.class)
			.single()).as("the row of 10 that commits is the new owner's").isEqualTo("replica-b");
		calls.assertNoOverlapPerSegment();
	}

	@Configuration(proxyBeanMethods = false)
	static class ReadModelConfiguration {

		@Bean
		ReadModel readModel(JdbcClient jdbc, @Value("${esdb.subscriptions.coordination.instance-id}") String replica,
				SegmentReplicas calls, ObjectProvider<Blocker> blocker, ObjectProvider<PausableLeaseStore> pausable,
				DataSource dataSource) {
			PausableLeaseStore store = pausable.getIfAvailable();
			if (store != null) {
				store.use(new JdbcLeaseStore(dataSource));
			}
			return new ReadModel(jdbc, replica, calls, blocker.getIfAvailable());
		}

	}

	static class ReadModel {

		private final JdbcClient jdbc;

		private final String replica;

		private final SegmentReplicas calls;

		private final Blocker blocker;

		ReadModel(JdbcClient jdbc, String replica, SegmentReplicas calls, Blocker blocker) {
			this.jdbc = jdbc;
			this.replica = replica;
			this.calls = calls;
			this.blocker = blocker;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "true", concurrency = "4",
				partitionBy = "payload.orderId")
		void on(OrderPlaced event, EventContext context) throws InterruptedException {
			long start = System.nanoTime();
			this.jdbc.sql("INSERT INTO segment_handled (subscription_id, replica, revision) VALUES (?, ?, ?)")
				.param(context.subscriptionId())
				.param(this.replica)
				.param(context.revision())
				.update();
			if (this.blocker != null) {
				this.blocker.maybeBlock(context.revision());
			}
			this.calls.add(this.replica, event.orderId(), context.revision(), start);
		}

	}

}
