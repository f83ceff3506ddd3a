package io.github.esdb.subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.core.StoredEvent;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batch handlers of catch-up subscriptions on PostgreSQL, transactional with the JDBC checkpoint store: batches cut
 * by size and by max wait, one transaction and one checkpoint per batch, and a {@link BatchHandlerFailedException}
 * that keeps the events before the failed one, puts the failed one through the error policy and hands the rest over
 * again. Real parts: the official client over TCP to the embedded server, Spring Boot's DataSource and transaction
 * manager, PostgreSQL.
 */
class BatchSubscriptionIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@BeforeAll
	static void start() {
		postgres.jdbc()
			.sql("CREATE TABLE batch_model (subscription_id VARCHAR(200) NOT NULL, order_id VARCHAR(200) NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	private ApplicationContextRunner runner(String stream, String... properties) {
		return JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withUserConfiguration(BatchModel.class)
			.withPropertyValues("test.stream=" + stream)
			.withPropertyValues(properties);
	}

	private static List<Long> rows(String stream) {
		return JdbcTestSupport.revisionsIn(postgres, "batch_model", stream);
	}

	private static void appendOrders(String stream, int count) {
		Object[] events = new Object[count];
		for (int i = 0; i < count; i++) {
			events[i] = new OrderPlaced("o-" + i, i);
		}
		esdb.append(stream, events);
	}

	private static List<Long> revisions(long from, long to) {
		List<Long> revisions = new ArrayList<>();
		for (long revision = from; revision <= to; revision++) {
			revisions.add(revision);
		}
		return revisions;
	}

	@Test
	void batchesOfTheConfiguredSizeCommitTheirRowsWithTheirLastCheckpointInOneTransaction() {
		String stream = EmbeddedServerSupport.unique("orders");
		appendOrders(stream, 25);
		// Events of another type are not for this handler: they do not enter batches, and the checkpoint passes them.
		esdb.append(stream, new OrderShipped("o-0"));
		runner(stream, "esdb.subscriptions.by-id." + stream + ".batch-size=10").run((context) -> {
			BatchModel model = context.getBean(BatchModel.class);
			context.getBean(SubscriptionRegistry.class).start(stream);
			await().atMost(EmbeddedServerSupport.wait(30))
				.until(() -> Long.valueOf(25).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
			// The end of catch-up hands over the last, shorter batch at once.
			assertThat(model.batches).containsExactly(revisions(0, 9), revisions(10, 19), revisions(20, 24));
			// One checkpoint per batch, written in the batch's transaction: inside it the batch's last revision,
			// outside it (before the commit) the previous batch's.
			assertThat(model.checkpointInTransaction).containsExactly(9L, 19L, 24L);
			assertThat(model.checkpointOutside).containsExactly(null, 9L, 19L);
			assertThat(rows(stream)).isEqualTo(revisions(0, 24));
			SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot(stream).get();
			assertThat(snapshot.handled()).isEqualTo(25);
			assertThat(snapshot.skipped()).isEqualTo(1);
		});
	}

	@Test
	void aLiveBatchIsHandedOverWhenItsMaxWaitHasPassed() {
		String stream = EmbeddedServerSupport.unique("orders");
		runner(stream, "esdb.subscriptions.by-id." + stream + ".batch-max-wait=1s").run((context) -> {
			BatchModel model = context.getBean(BatchModel.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			registry.start(stream);
			await().atMost(EmbeddedServerSupport.wait(20))
				.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.LIVE);
			long appended = System.nanoTime();
			appendOrders(stream, 3);
			await().atMost(EmbeddedServerSupport.wait(20)).until(() -> model.batches.size() == 1);
			Duration waited = Duration.ofNanos(model.calledAt.get(0) - appended);
			// Three events are far fewer than the batch size (100): the batch waits for more, a second long.
			assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(950));
			assertThat(model.batches).containsExactly(revisions(0, 2));
			await().atMost(EmbeddedServerSupport.wait(20))
				.until(() -> Long.valueOf(2).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
		});
	}

	@Test
	void aFailedIndexCommitsTheEventsBeforeItRetriesTheFailedOneAloneAndHandsTheRestOverAgain() {
		String stream = EmbeddedServerSupport.unique("orders");
		appendOrders(stream, 10);
		runner(stream, "esdb.subscriptions.by-id." + stream + ".batch-size=10").run((context) -> {
			BatchModel model = context.getBean(BatchModel.class);
			// Revision 4 fails once, after the whole batch's rows were written.
			model.failOnce.put(4L, Boolean.TRUE);
			context.getBean(SubscriptionRegistry.class).start(stream);
			await().atMost(EmbeddedServerSupport.wait(30))
				.until(() -> Long.valueOf(9).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
			// The failed call rolled back; the head commits in a transaction of its own, then the failed event
			// (retried by the policy, alone), then the rest.
			assertThat(model.batches).containsExactly(revisions(0, 9), revisions(0, 3), List.of(4L), revisions(5, 9));
			assertThat(model.checkpointInTransaction).containsExactly(9L, 3L, 4L, 9L);
			assertThat(rows(stream)).as("every event once").isEqualTo(revisions(0, 9));
			SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot(stream).get();
			assertThat(snapshot.failed()).isEqualTo(1);
			assertThat(snapshot.handled()).isEqualTo(10);
		});
	}

	@Test
	void aFailedEventThatTheSkipPolicyGivesUpOnIsSkippedAndTheOthersCommitOnce() {
		String stream = EmbeddedServerSupport.unique("orders");
		appendOrders(stream, 10);
		runner(stream, "esdb.subscriptions.by-id." + stream + ".batch-size=10",
				"esdb.subscriptions.catch-up.retry.max-attempts=1", "esdb.subscriptions.catch-up.on-error=skip")
			.run((context) -> {
				BatchModel model = context.getBean(BatchModel.class);
				model.failAlways.add(4L);
				context.getBean(SubscriptionRegistry.class).start(stream);
				await().atMost(EmbeddedServerSupport.wait(30))
					.until(() -> Long.valueOf(9).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
				List<Long> expected = revisions(0, 9);
				expected.remove(4L);
				assertThat(rows(stream)).isEqualTo(expected);
				SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot(stream).get();
				assertThat(snapshot.skipped()).isEqualTo(1);
				assertThat(snapshot.failed()).as("the batch's report and the one retry").isEqualTo(2);
			});
	}

	@Test
	void aFailedEventThatStopsTheSubscriptionLeavesTheCheckpointBeforeItAndResumesThereAfterTheFix() {
		String stream = EmbeddedServerSupport.unique("orders");
		appendOrders(stream, 10);
		runner(stream, "esdb.subscriptions.by-id." + stream + ".batch-size=10",
				"esdb.subscriptions.catch-up.retry.max-attempts=0")
			.run((context) -> {
				BatchModel model = context.getBean(BatchModel.class);
				model.failAlways.add(6L);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				registry.start(stream);
				await().atMost(EmbeddedServerSupport.wait(30))
					.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED);
				assertThat(rows(stream)).isEqualTo(revisions(0, 5));
				assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(5L);
				model.failAlways.clear();
				registry.restart(stream);
				await().atMost(EmbeddedServerSupport.wait(30))
					.until(() -> Long.valueOf(9).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
				assertThat(rows(stream)).isEqualTo(revisions(0, 9));
			});
	}

	@Test
	void aPlainExceptionRetriesTheWholeBatchInANewTransaction() {
		String stream = EmbeddedServerSupport.unique("orders");
		appendOrders(stream, 5);
		runner(stream).run((context) -> {
			BatchModel model = context.getBean(BatchModel.class);
			model.failWholeOnce.put(2L, Boolean.TRUE);
			context.getBean(SubscriptionRegistry.class).start(stream);
			await().atMost(EmbeddedServerSupport.wait(30))
				.until(() -> Long.valueOf(4).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
			assertThat(model.batches).containsExactly(revisions(0, 4), revisions(0, 4));
			assertThat(rows(stream)).isEqualTo(revisions(0, 4));
		});
	}

	/** Inserts one row per event of each batch, in the batch's transaction. */
	static class BatchModel {

		final JdbcClient jdbc;

		final JdbcClient outside = postgres.jdbc();

		final List<List<Long>> batches = new CopyOnWriteArrayList<>();

		final List<Long> calledAt = new CopyOnWriteArrayList<>();

		final List<Long> checkpointInTransaction = new CopyOnWriteArrayList<>();

		final List<Long> checkpointOutside = java.util.Collections.synchronizedList(new ArrayList<>());

		/** Fail once, naming the index, at these revisions. */
		final Map<Long, Boolean> failOnce = new ConcurrentHashMap<>();

		/** Fail every time, naming the index, at these revisions. */
		final List<Long> failAlways = new CopyOnWriteArrayList<>();

		/** Fail once with a plain exception when the batch holds these revisions. */
		final Map<Long, Boolean> failWholeOnce = new ConcurrentHashMap<>();

		BatchModel(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "${test.stream}", stream = "${test.stream}", transactional = "true",
				autoStartup = "false", batchSize = "${test.batch-size:100}")
		void on(List<StoredEvent<OrderPlaced>> events) {
			this.calledAt.add(System.nanoTime());
			this.batches.add(events.stream().map(StoredEvent::revision).toList());
			// The subscription id is the stream's name in these tests.
			String id = events.get(0).stream();
			for (StoredEvent<OrderPlaced> event : events) {
				this.jdbc.sql("INSERT INTO batch_model (subscription_id, order_id, revision) VALUES (?, ?, ?)")
					.param(id)
					.param(event.payload().orderId())
					.param(event.revision())
					.update();
			}
			this.checkpointInTransaction.add(JdbcTestSupport.storedRevision(this.jdbc, id));
			this.checkpointOutside.add(JdbcTestSupport.storedRevision(this.outside, id));
			for (int i = 0; i < events.size(); i++) {
				long revision = events.get(i).revision();
				if (this.failOnce.remove(revision) != null || this.failAlways.contains(revision)) {
					throw new BatchHandlerFailedException(i, new IllegalStateException("cannot apply " + revision));
				}
				if (this.failWholeOnce.remove(revision) != null) {
					throw new IllegalStateException("the database hiccuped");
				}
			}
		}

	}

}
