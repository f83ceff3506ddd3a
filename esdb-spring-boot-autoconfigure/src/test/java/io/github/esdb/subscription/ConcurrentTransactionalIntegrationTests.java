package io.github.esdb.subscription;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code transactional} with a concurrency above 1 on PostgreSQL: each partition commits its own position
 * ({@code esdb_checkpoint_partition}) with each event's rows, the subscription's checkpoint follows gap-aware, a
 * subscription that resumes from a checkpoint behind its partitions passes over what they committed, and a change of
 * the partition count is refused when it could not be told what committed.
 */
class ConcurrentTransactionalIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static final int EVENTS = 200;

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@BeforeAll
	static void start() {
		postgres.jdbc()
			.sql("CREATE TABLE partitioned_model (subscription_id VARCHAR(200) NOT NULL, order_id VARCHAR(200) NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	private ApplicationContextRunner runner(String stream, int concurrency) {
		return JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withUserConfiguration(PartitionedModel.class)
			.withPropertyValues("test.stream=" + stream,
					"esdb.subscriptions.by-id." + stream + ".concurrency=" + concurrency);
	}

	private static String writeOrders() {
		String stream = EmbeddedServerSupport.unique("orders");
		Object[] events = new Object[EVENTS];
		for (int i = 0; i < EVENTS; i++) {
			events[i] = new OrderPlaced("o-" + (i % 37), i);
		}
		esdb.append(stream, events);
		return stream;
	}

	private static List<Long> rows(String stream) {
		return JdbcTestSupport.revisionsIn(postgres, "partitioned_model", stream);
	}

	private static List<Integer> partitionCounts(String stream) {
		return postgres.jdbc()
			.sql("SELECT partition_count FROM esdb_checkpoint_partition WHERE subscription_id = ?")
			.param(stream)
			.query(Integer.class)
			.list();
	}

	private static void runToTheEnd(ApplicationContextRunner runner, String stream) {
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			registry.start(stream);
			await().atMost(EmbeddedServerSupport.wait(60))
				.until(() -> Checkpoint.ofRevision(EVENTS - 1).equals(registry.snapshot(stream).get().position()));
		});
	}

	@Test
	void eachPartitionCommitsItsOwnPositionWithItsEventsAndEveryEventIsAppliedOnce() {
		String stream = writeOrders();
		runToTheEnd(runner(stream, 4), stream);
		assertThat(rows(stream)).hasSize(EVENTS).doesNotHaveDuplicates();
		assertThat(partitionCounts(stream)).isNotEmpty().hasSizeLessThanOrEqualTo(4).containsOnly(4);
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(EVENTS - 1L);
	}

	@Test
	void aCheckpointBehindThePartitionsResumesThereAndThePartitionsPassOverWhatTheyCommitted() {
		String stream = writeOrders();
		runToTheEnd(runner(stream, 4), stream);
		// As after a crash: the subscription's checkpoint lags behind what the partitions committed.
		postgres.jdbc().sql("UPDATE esdb_checkpoint SET stream_revision = 50 WHERE subscription_id = ?")
			.param(stream)
			.update();
		// Another partition count cannot tell which events committed: refused, naming both counts.
		runner(stream, 2).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			registry.start(stream);
			await().atMost(EmbeddedServerSupport.wait(30))
				.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED);
			assertThat(registry.snapshot(stream).get().lastError()).contains("committed events in 4 partitions")
				.contains("now runs with 2 partition(s)")
				.contains("start it once more with concurrency 4");
		});
		// The same count resumes after 50 and passes over the 149 events its partitions committed.
		runner(stream, 4).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			registry.start(stream);
			await().atMost(EmbeddedServerSupport.wait(60))
				.until(() -> Checkpoint.ofRevision(EVENTS - 1).equals(registry.snapshot(stream).get().position()));
			assertThat(registry.snapshot(stream).get().skipped()).isEqualTo(EVENTS - 51);
			assertThat(registry.snapshot(stream).get().handled()).isZero();
		});
		assertThat(rows(stream)).hasSize(EVENTS).doesNotHaveDuplicates();
	}

	@Test
	void afterAGracefulStopThePartitionCountMayChange() {
		String stream = writeOrders();
		runToTheEnd(runner(stream, 4), stream);
		esdb.append(stream, new OrderPlaced("late", 1));
		runner(stream, 2).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			registry.start(stream);
			await().atMost(EmbeddedServerSupport.wait(60))
				.until(() -> Checkpoint.ofRevision(EVENTS).equals(registry.snapshot(stream).get().position()));
		});
		assertThat(rows(stream)).hasSize(EVENTS + 1).doesNotHaveDuplicates();
		assertThat(partitionCounts(stream)).containsOnly(2);
	}

	static class PartitionedModel {

		private final JdbcClient jdbc;

		PartitionedModel(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "${test.stream}", stream = "${test.stream}", transactional = "true",
				autoStartup = "false", partitionBy = "payload.orderId")
		void on(OrderPlaced event, EventContext context) {
			this.jdbc.sql("INSERT INTO partitioned_model (subscription_id, order_id, revision) VALUES (?, ?, ?)")
				.param(context.subscriptionId())
				.param(event.orderId())
				.param(context.revision())
				.update();
		}

	}

}
