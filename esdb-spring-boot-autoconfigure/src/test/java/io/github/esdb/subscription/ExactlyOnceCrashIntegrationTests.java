package io.github.esdb.subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.EventData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.esdb.core.StoredEvent;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proof of exactly-once read models: events whose handler inserts one row per event id into PostgreSQL, in a
 * transactional subscription whose checkpoint is in the same database. Processing is killed at random points, of
 * three kinds: a failure injected between the read-model write and the commit (the transaction rolls back; the
 * subscription fails and is restarted in place or in a new application context), a crash before the commit (the
 * handler's database connection is terminated mid-transaction and the application context is closed with no grace),
 * and a crash after the commit (the context is closed with no grace before the container learns that the transaction
 * committed). After the restarts every event id is in the read model exactly once.
 * <p>
 * The bounded version run by every build: 2,000 events and 30 kill points ({@code -Desdb.proof.events=10000
 * -Desdb.proof.kills=100} for the full one, {@code -Desdb.proof.seed=...} to replay a run; the seed is printed). A
 * control run without {@code transactional} shows that the same kills do apply events twice at least once.
 */
class ExactlyOnceCrashIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static final int EVENTS = Integer.getInteger("esdb.proof.events", 2000);

	private static final int KILLS = Integer.getInteger("esdb.proof.kills", 30);

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@BeforeAll
	static void start() {
		postgres.jdbc()
			.sql("CREATE TABLE handled (subscription_id VARCHAR(200) NOT NULL, event_id VARCHAR(36) NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	enum Kill {

		/** The handler wrote its row; the transaction fails before it commits. */
		FAIL_BEFORE_COMMIT,

		/** The handler wrote its row; its connection dies and the application stops with no grace. */
		CRASH_BEFORE_COMMIT,

		/** The transaction committed; the application stops with no grace before the container hears of it. */
		CRASH_AFTER_COMMIT

	}

	/** A kill point the handler reached. */
	record Reached(Kill kill, long revision, int backendPid) {
	}

	/** Where to kill, shared by the application contexts of one run (as a file of test data would be). */
	static final class KillPlan {

		final Map<Long, Kill> pending = new ConcurrentHashMap<>();

		final BlockingQueue<Reached> reached = new LinkedBlockingQueue<>();

		final AtomicInteger triggered = new AtomicInteger();

		/** Never counted down: a crashed handler waits here until the forced stop interrupts it. */
		final CountDownLatch never = new CountDownLatch(1);

		KillPlan(long seed, int events, int kills, Kill... kinds) {
			Random random = new Random(seed);
			while (this.pending.size() < kills) {
				this.pending.put(1 + (long) random.nextInt(events - 1), kinds[random.nextInt(kinds.length)]);
			}
		}

		/**
		 * Kill points at least {@code spacing} revisions apart, so that no batch of that size holds two: a batch
		 * dies at its first kill point, and a crash after its commit would carry a second one past unreached.
		 */
		KillPlan(long seed, int events, int kills, int spacing, Kill... kinds) {
			Random random = new Random(seed);
			long[] offsets = random.longs(kills, 0, events - 1 - (long) spacing * kills).sorted().toArray();
			for (int i = 0; i < kills; i++) {
				this.pending.put(1 + offsets[i] + (long) spacing * i, kinds[random.nextInt(kinds.length)]);
			}
		}

		Kill take(long revision) {
			Kill kill = this.pending.remove(revision);
			if (kill != null) {
				this.triggered.incrementAndGet();
			}
			return kill;
		}

		void hang(Reached reached) throws InterruptedException {
			this.reached.add(reached);
			this.never.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
			throw new IllegalStateException("a crashed handler was not stopped within " + PATIENCE);
		}

	}

	private static String writeEvents(int count) {
		String stream = EmbeddedServerSupport.unique("proof");
		for (int from = 0; from < count; from += 500) {
			List<EventData> batch = new ArrayList<>();
			for (int i = from; i < Math.min(count, from + 500); i++) {
				batch.add(EmbeddedServerSupport.event(new OrderPlaced("order-" + i, i)));
			}
			esdb.append(stream, batch.toArray());
		}
		return stream;
	}

	private static Set<String> writtenIds(String stream) {
		Set<String> ids = new HashSet<>();
		esdb.read(stream).forEach((event) -> ids.add(event.getOriginalEvent().getEventId().toString()));
		return ids;
	}

	private ApplicationContextRunner runner(String stream, KillPlan plan) {
		return runner(stream, plan, ProofConfiguration.class);
	}

	private ApplicationContextRunner runner(String stream, KillPlan plan, Class<?> readModel) {
		return JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withUserConfiguration(readModel)
			.withBean(KillPlan.class, () -> plan)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream,
					// Any failure stops the subscription at once, and a stop never waits: the kills are abrupt.
					"esdb.subscriptions.catch-up.retry.max-attempts=0", "esdb.subscriptions.shutdown-timeout=0s");
	}

	/**
	 * Run application contexts one after the other until the plan is spent and the last event is committed.
	 * @return how many application contexts ran
	 */
	private static int runUntilDone(ApplicationContextRunner runner, String stream, KillPlan plan) {
		AtomicInteger contexts = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		long last = EVENTS - 1;
		while (!(plan.pending.isEmpty() && plan.reached.isEmpty()
				&& Long.valueOf(last).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)))) {
			// Kills reached while the previous application went down (other partitions) went down with it.
			plan.reached.clear();
			runner.run((context) -> {
				contexts.incrementAndGet();
				runOneContext(context, stream, plan, last, failures);
			});
		}
		return contexts.get();
	}

	/** Returns when the context must go: after a crash, or every other injected failure, or when all is done. */
	private static void runOneContext(ConfigurableApplicationContext context, String stream, KillPlan plan, long last,
			AtomicInteger failures) {
		SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
		while (true) {
			await().atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> !plan.reached.isEmpty() || (plan.pending.isEmpty()
						&& Long.valueOf(last).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream))));
			Reached reached = plan.reached.poll();
			if (reached == null) {
				return;
			}
			switch (reached.kill()) {
				case FAIL_BEFORE_COMMIT -> {
					// With concurrency another partition may crash meanwhile; its handler then keeps the subscription
					// from ending, and the crash is what happens to the application.
					await().atMost(PATIENCE)
						.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED
								|| plan.reached.stream().anyMatch((other) -> other.kill() != Kill.FAIL_BEFORE_COMMIT));
					Reached crash = plan.reached.stream()
						.filter((other) -> other.kill() != Kill.FAIL_BEFORE_COMMIT)
						.findFirst()
						.orElse(null);
					if (crash != null) {
						plan.reached.remove(crash);
						crash(crash);
						return;
					}
					// Partitions that failed at the same time failed with it.
					plan.reached.removeIf((other) -> other.kill() == Kill.FAIL_BEFORE_COMMIT);
					if (failures.incrementAndGet() % 2 == 0) {
						return;
					}
					registry.restart(stream);
				}
				case CRASH_BEFORE_COMMIT, CRASH_AFTER_COMMIT -> {
					crash(reached);
					return;
				}
			}
		}
	}

	private static void crash(Reached reached) {
		if (reached.kill() == Kill.CRASH_BEFORE_COMMIT) {
			// The database ends the transaction; nothing of it can commit any more.
			postgres.jdbc().sql("SELECT pg_terminate_backend(?)").param(reached.backendPid()).query().rowSet();
		}
	}

	private static List<Object[]> counts(String stream) {
		return postgres.jdbc()
			.sql("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM handled WHERE subscription_id = ?")
			.param(stream)
			.query((row, n) -> new Object[] { row.getLong(1), row.getLong(2) })
			.list();
	}

	@Test
	void everyEventIsAppliedExactlyOnceWhateverPointProcessingIsKilledAt() {
		prove(ProofConfiguration.class, "single events", 1);
	}

	@Test
	void everyEventIsAppliedExactlyOnceWithConcurrencyWhateverPointProcessingIsKilledAt() {
		// Four partitions by order id, each committing its own position with each event.
		prove(ProofConfiguration.class, "concurrency 4", 1, "test.concurrency=4", "test.partition-by=payload.orderId");
	}

	@Test
	void everyEventOfABatchHandlerIsAppliedExactlyOnceWhateverPointProcessingIsKilledAt() {
		// Batches of 50: a kill anywhere in a batch takes the whole batch's rows and its checkpoint with it.
		prove(BatchProofConfiguration.class, "batches", BatchProofReadModel.BATCH_SIZE);
	}

	private void prove(Class<?> readModel, String handling, int spacing, String... properties) {
		long seed = Long.getLong("esdb.proof.seed", System.nanoTime());
		System.out.println("Exactly-once proof (" + handling + "): " + EVENTS + " events, " + KILLS
				+ " kill points, seed " + seed + " (-Desdb.proof.seed=" + seed + " replays it)");
		String stream = writeEvents(EVENTS);
		KillPlan plan = (spacing > 1) ? new KillPlan(seed, EVENTS, KILLS, spacing, Kill.values())
				: new KillPlan(seed, EVENTS, KILLS, Kill.values());
		Map<Kill, Long> kinds = new java.util.EnumMap<>(Kill.class);
		plan.pending.values().forEach((kill) -> kinds.merge(kill, 1L, Long::sum));

		int contexts = runUntilDone(runner(stream, plan, readModel).withPropertyValues(properties), stream, plan);

		System.out.println("Exactly-once proof (" + handling + "): kills " + kinds + " in " + contexts
				+ " application contexts");
		assertThat(plan.triggered).as("every kill point was reached").hasValue(KILLS);
		assertThat(counts(stream)).singleElement()
			.satisfies((row) -> assertThat(row).as("rows, distinct event ids").containsExactly((long) EVENTS,
					(long) EVENTS));
		List<String> ids = postgres.jdbc()
			.sql("SELECT event_id FROM handled WHERE subscription_id = ?")
			.param(stream)
			.query(String.class)
			.list();
		assertThat(new HashSet<>(ids)).isEqualTo(writtenIds(stream));
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(EVENTS - 1L);
	}

	@Test
	void withoutTransactionalTheSameCrashesApplyEventsTwice() {
		// The control: at least once. The row commits on its own; the checkpoint every 100 events lags behind it.
		int events = 300;
		String stream = writeEvents(events);
		KillPlan plan = new KillPlan(42, events, 3, Kill.CRASH_AFTER_COMMIT);
		ApplicationContextRunner runner = runner(stream, plan).withPropertyValues("test.transactional=false");
		long last = events - 1;
		while (!(plan.pending.isEmpty() && plan.reached.isEmpty()
				&& Long.valueOf(last).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)))) {
			runner.run((context) -> runOneContext(context, stream, plan, last, new AtomicInteger()));
		}
		List<Object[]> counts = counts(stream);
		assertThat((long) counts.get(0)[1]).isEqualTo(events);
		assertThat((long) counts.get(0)[0]).as("rows: some events were applied twice").isGreaterThan(events);
	}

	@Configuration(proxyBeanMethods = false)
	static class ProofConfiguration {

		@Bean
		ProofReadModel proofReadModel(JdbcClient jdbc, KillPlan plan) {
			return new ProofReadModel(jdbc, plan);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchProofConfiguration {

		@Bean
		BatchProofReadModel batchProofReadModel(JdbcClient jdbc, KillPlan plan) {
			return new BatchProofReadModel(new KillPoints(jdbc, plan));
		}

	}

	/** One row per event id; no unique key, so that a second application would show. */
	static class ProofReadModel {

		private final KillPoints model;

		ProofReadModel(JdbcClient jdbc, KillPlan plan) {
			this.model = new KillPoints(jdbc, plan);
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "${test.transactional:true}",
				concurrency = "${test.concurrency:1}", partitionBy = "${test.partition-by:}")
		void on(OrderPlaced event, EventContext context) throws InterruptedException {
			this.model.insert(context.subscriptionId(), context.eventId().toString(), context.revision());
			this.model.killIfPlanned(context.revision());
		}

	}

	/** The same rows, written a batch at a time; the batch dies at the first kill point it holds. */
	static class BatchProofReadModel {

		static final int BATCH_SIZE = 50;

		private final KillPoints model;

		BatchProofReadModel(KillPoints model) {
			this.model = model;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "true",
				batchSize = "" + BATCH_SIZE)
		void on(List<StoredEvent<OrderPlaced>> events) throws InterruptedException {
			for (StoredEvent<OrderPlaced> event : events) {
				// The subscription id is the stream's name in this test.
				this.model.insert(event.stream(), event.eventId().toString(), event.revision());
			}
			for (StoredEvent<OrderPlaced> event : events) {
				if (this.model.killIfPlanned(event.revision())) {
					return;
				}
			}
		}

	}

	/** Writes the read model's rows and carries out the kill plan, in the handler's transaction. */
	static class KillPoints {

		private final JdbcClient jdbc;

		private final KillPlan plan;

		KillPoints(JdbcClient jdbc, KillPlan plan) {
			this.jdbc = jdbc;
			this.plan = plan;
		}

		void insert(String subscriptionId, String eventId, long revision) {
			this.jdbc.sql("INSERT INTO handled (subscription_id, event_id, revision) VALUES (?, ?, ?)")
				.param(subscriptionId)
				.param(eventId)
				.param(revision)
				.update();
		}

		/**
		 * Kill processing if the plan says so for this revision.
		 * @return true if a kill was set up (the transaction will fail or the application crash)
		 */
		boolean killIfPlanned(long revision) throws InterruptedException {
			Kill kill = this.plan.take(revision);
			if (kill == null) {
				return false;
			}
			boolean inTransaction = TransactionSynchronizationManager.isSynchronizationActive();
			if (kill == Kill.FAIL_BEFORE_COMMIT) {
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void beforeCommit(boolean readOnly) {
						KillPoints.this.plan.reached.add(new Reached(kill, revision, 0));
						throw new IllegalStateException("injected failure between the read-model write and the commit");
					}

				});
			}
			else if (kill == Kill.CRASH_BEFORE_COMMIT) {
				int pid = this.jdbc.sql("SELECT pg_backend_pid()").query(Integer.class).single();
				this.plan.hang(new Reached(kill, revision, pid));
			}
			else if (inTransaction) {
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCommit() {
						try {
							KillPoints.this.plan.hang(new Reached(kill, revision, 0));
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							throw new IllegalStateException("crashed after the commit", ex);
						}
					}

				});
			}
			else {
				// Not transactional: the row is committed already; crash before the checkpoint catches up.
				this.plan.hang(new Reached(kill, revision, 0));
			}
			return true;
		}

	}

}
