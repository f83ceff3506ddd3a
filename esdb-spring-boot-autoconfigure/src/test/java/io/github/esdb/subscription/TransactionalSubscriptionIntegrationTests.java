package io.github.esdb.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @EventSubscription(transactional = "true")} on PostgreSQL: the handler's read-model row and the event's
 * checkpoint commit in one transaction of Spring Boot's transaction manager, or not at all. Real parts throughout: the
 * official client over TCP to the embedded server, Spring Boot's DataSource and transaction manager, PostgreSQL.
 */
class TransactionalSubscriptionIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@BeforeAll
	static void start() {
		postgres.jdbc()
			.sql("CREATE TABLE read_model (subscription_id VARCHAR(200) NOT NULL, order_id VARCHAR(200) NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	private ApplicationContextRunner runner(String stream) {
		return JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withUserConfiguration(ReadModel.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream);
	}

	private static List<Long> rows(String id) {
		return JdbcTestSupport.revisionsIn(postgres, "read_model", id);
	}

	@Test
	void eachEventsRowAndItsCheckpointCommitInOneTransaction() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3),
				new OrderPlaced("d", 4), new OrderPlaced("e", 5));
		runner(stream).run((context) -> {
			ReadModel readModel = context.getBean(ReadModel.class);
			// The first attempt at revision 2 fails after its insert; the error policy retries it.
			readModel.failOnceAt.add(2L);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			registry.start(stream);
			await().atMost(EmbeddedServerSupport.wait(20))
				.until(() -> Long.valueOf(4).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
			assertThat(rows(stream)).as("the failed attempt left no row").containsExactly(0L, 1L, 2L, 3L, 4L);
			// Inside the handler, its transaction already holds the event's checkpoint; another connection still
			// sees the previous one until the commit. The failed attempt at 2 wrote it too, and rolled it back.
			assertThat(readModel.checkpointInTransaction).containsExactly(0L, 1L, 2L, 2L, 3L, 4L);
			assertThat(readModel.checkpointOutside).containsExactly(null, 0L, 1L, 1L, 2L, 3L);
			SubscriptionSnapshot snapshot = registry.snapshot(stream).get();
			assertThat(snapshot.handled()).isEqualTo(5);
			assertThat(snapshot.failed()).isEqualTo(1);
			assertThat(snapshot.committed()).isEqualTo(Checkpoint.ofRevision(4));
		});
		assertThat(rows(stream)).containsExactly(0L, 1L, 2L, 3L, 4L);
	}

	@Test
	void aFailedEventLeavesNeitherItsRowNorItsCheckpointAndIsAppliedOnceAfterTheFix() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("bad", -1), new OrderPlaced("c", 3));
		// Transactional through the property, over an annotation that says false.
		runner(stream)
			.withPropertyValues("test.transactional=false", "esdb.subscriptions.by-id." + stream + ".transactional=true",
					"esdb.subscriptions.catch-up.retry.max-attempts=0")
			.run((context) -> {
				ReadModel readModel = context.getBean(ReadModel.class);
				readModel.broken.set(true);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				registry.start(stream);
				await().atMost(EmbeddedServerSupport.wait(20))
					.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED);
				assertThat(rows(stream)).containsExactly(0L);
				assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(0L);
				assertThat(readModel.checkpointInTransaction).containsExactly(0L, 1L);

				readModel.broken.set(false);
				registry.restart(stream);
				await().atMost(EmbeddedServerSupport.wait(20))
					.until(() -> Long.valueOf(2).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)));
				assertThat(rows(stream)).containsExactly(0L, 1L, 2L);
			});
	}

	@Test
	void twoInstancesOfOneTransactionalSubscriptionApplyEachEventOnce() {
		String stream = EmbeddedServerSupport.unique("orders");
		Object[] events = new Object[200];
		for (int i = 0; i < events.length; i++) {
			events[i] = new OrderPlaced("o-" + i, i);
		}
		esdb.append(stream, events);
		ApplicationContextRunner runner = runner(stream);
		runner.run((first) -> runner.run((second) -> {
			SubscriptionRegistry one = first.getBean(SubscriptionRegistry.class);
			SubscriptionRegistry two = second.getBean(SubscriptionRegistry.class);
			// Both start from the start, before either committed anything: they race on every event.
			one.start(stream);
			two.start(stream);
			await().atMost(EmbeddedServerSupport.wait(60))
				.until(() -> Checkpoint.ofRevision(199).equals(one.snapshot(stream).get().position())
						&& Checkpoint.ofRevision(199).equals(two.snapshot(stream).get().position()));
			List<Long> rows = rows(stream);
			assertThat(rows).hasSize(200).doesNotHaveDuplicates();
			SubscriptionSnapshot a = one.snapshot(stream).get();
			SubscriptionSnapshot b = two.snapshot(stream).get();
			// Each event was applied by exactly one instance; the other found its checkpoint stored and rolled back.
			assertThat(a.handled() + b.handled()).isEqualTo(200);
			assertThat(a.skipped() + b.skipped()).isEqualTo(200);
			assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(199L);
		}));
		assertThat(rows(stream)).hasSize(200).doesNotHaveDuplicates();
	}

	/** Inserts one row per event into the read model, in the subscription's transaction. */
	static class ReadModel {

		final JdbcClient jdbc;

		final JdbcClient outside = postgres.jdbc();

		final Set<Long> failOnceAt = ConcurrentHashMap.newKeySet();

		final AtomicBoolean broken = new AtomicBoolean();

		final List<Long> checkpointInTransaction = new CopyOnWriteArrayList<>();

		final List<Long> checkpointOutside = java.util.Collections.synchronizedList(new ArrayList<>());

		ReadModel(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "${test.transactional:true}",
				autoStartup = "false")
		void on(OrderPlaced event, EventContext context) {
			this.jdbc.sql("INSERT INTO read_model (subscription_id, order_id, revision) VALUES (?, ?, ?)")
				.param(context.subscriptionId())
				.param(event.orderId())
				.param(context.revision())
				.update();
			this.checkpointInTransaction.add(JdbcTestSupport.storedRevision(this.jdbc, context.subscriptionId()));
			this.checkpointOutside.add(JdbcTestSupport.storedRevision(this.outside, context.subscriptionId()));
			if (this.failOnceAt.remove(context.revision())) {
				throw new IllegalStateException("injected failure between the read-model write and the commit");
			}
			if (event.amount() < 0 && this.broken.get()) {
				throw new IllegalArgumentException("negative amount");
			}
		}

	}

}
