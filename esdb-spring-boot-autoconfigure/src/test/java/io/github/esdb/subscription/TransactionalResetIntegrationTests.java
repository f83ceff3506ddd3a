package io.github.esdb.subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A reset of a transactional subscription on PostgreSQL: the {@code @ResetHandler}'s clearing of the read model and
 * the new checkpoint commit in one transaction of the subscription's transaction manager, or neither does. Real parts
 * throughout: the official client over TCP to the embedded server, Spring Boot's DataSource and transaction manager,
 * PostgreSQL.
 */
class TransactionalResetIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@BeforeAll
	static void start() {
		postgres.jdbc()
			.sql("CREATE TABLE order_view (subscription_id VARCHAR(200) NOT NULL, revision BIGINT NOT NULL)")
			.update();
	}

	private ApplicationContextRunner runner(String stream) {
		return JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withUserConfiguration(OrderView.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream);
	}

	private static List<Long> rows(String id) {
		return JdbcTestSupport.revisionsIn(postgres, "order_view", id);
	}

	@Test
	void theClearingAndTheNewCheckpointCommitInOneTransactionThenTheEventsReplay() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		runner(stream).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			OrderView view = context.getBean(OrderView.class);
			awaitCommittedAt2(registry, stream);
			assertThat(rows(stream)).containsExactly(0L, 1L, 2L);

			assertThat(registry.reset(stream, StartPosition.revision(1))).isEqualTo(Checkpoint.ofRevision(0));

			// Inside the handler: a transaction, whose deletion another connection does not see yet.
			assertThat(view.resets).containsExactly(new ResetSeen(true, List.of(0L, 1L, 2L), 2L));
			awaitCommittedAt2(registry, stream);
			assertThat(rows(stream)).as("cleared, then replayed from revision 1").containsExactly(1L, 2L);
		});
	}

	@Test
	void aFailingResetHandlerRollsItsClearingBackKeepsTheCheckpointAndLeavesTheSubscriptionStopped() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		runner(stream).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			OrderView view = context.getBean(OrderView.class);
			awaitCommittedAt2(registry, stream);
			view.failAfterClearing.set(true);

			assertThatIllegalStateException().isThrownBy(() -> registry.reset(stream, StartPosition.START))
				.withMessageContaining("Subscription '" + stream + "' could not be reset to start")
				.withMessageContaining("read model unavailable")
				.withMessageContaining("It stays stopped");

			assertThat(view.resets).hasSize(1);
			assertThat(rows(stream)).as("the deletion rolled back").containsExactly(0L, 1L, 2L);
			assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(2L);
			assertThat(registry.snapshot(stream).get().state()).isEqualTo(SubscriptionState.STOPPED);

			// Fixed: the reset goes through, clears, and the replay rebuilds every row.
			view.failAfterClearing.set(false);
			registry.start(stream);
			assertThat(registry.reset(stream, StartPosition.START)).isEqualTo(Checkpoint.beforeFirst(false));
			awaitCommittedAt2(registry, stream);
			assertThat(rows(stream)).containsExactly(0L, 1L, 2L);
		});
	}

	/** Wait until the subscription, live, has committed the last of the three events. */
	private static void awaitCommittedAt2(SubscriptionRegistry registry, String stream) {
		await().atMost(EmbeddedServerSupport.wait(20))
			.until(() -> Long.valueOf(2).equals(JdbcTestSupport.storedRevision(postgres.jdbc(), stream))
					&& registry.snapshot(stream).get().state() == SubscriptionState.LIVE);
	}

	/**
	 * What a reset handler saw.
	 *
	 * @param inTransaction whether it ran in a transaction
	 * @param rowsOutside the rows another connection saw after the handler deleted them
	 * @param checkpointOutside the checkpoint another connection saw
	 */
	record ResetSeen(boolean inTransaction, List<Long> rowsOutside, Long checkpointOutside) {

	}

	static class OrderView {

		final List<ResetSeen> resets = new CopyOnWriteArrayList<>();

		final AtomicBoolean failAfterClearing = new AtomicBoolean();

		private final JdbcClient jdbc;

		OrderView(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "true")
		void on(OrderPlaced event, EventContext context) {
			this.jdbc.sql("INSERT INTO order_view (subscription_id, revision) VALUES (?, ?)")
				.param(context.subscriptionId())
				.param(context.revision())
				.update();
		}

		@ResetHandler
		void clear(String subscriptionId) {
			this.jdbc.sql("DELETE FROM order_view WHERE subscription_id = ?").param(subscriptionId).update();
			this.resets.add(new ResetSeen(TransactionSynchronizationManager.isActualTransactionActive(),
					rows(subscriptionId), JdbcTestSupport.storedRevision(postgres.jdbc(), subscriptionId)));
			if (this.failAfterClearing.get()) {
				throw new IllegalStateException("read model unavailable");
			}
		}

	}

}
