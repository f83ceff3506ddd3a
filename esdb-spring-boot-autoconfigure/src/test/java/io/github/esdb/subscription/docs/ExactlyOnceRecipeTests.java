package io.github.esdb.subscription.docs;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exactly-once recipe of docs/subscriptions.md, as written there: the read model's table and the checkpoint
 * table in one PostgreSQL database, {@code esdb.subscriptions.checkpoint.store=jdbc} and a transactional
 * subscription whose handler adds to totals (not idempotent).
 */
class ExactlyOnceRecipeTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	@RegisterExtension
	static final RecipeServer esdb = new RecipeServer();

	@BeforeAll
	static void createTable() {
		postgres.jdbc().sql(DocumentationExamples.ORDER_TOTALS_TABLE).update();
	}

	private static List<List<Object>> totals() {
		return postgres.jdbc()
			.sql("SELECT order_id, amount_cents, orders FROM order_totals ORDER BY order_id")
			.query((row, n) -> List.<Object>of(row.getString(1), row.getLong(2), row.getInt(3)))
			.list();
	}

	@Test
	void theRecipeKeepsTotalsAndTheirCheckpointTogether() throws Exception {
		String stream = "orders-" + UUID.randomUUID();
		esdb.append(stream, new DocumentationExamples.OrderPlaced("o-1", 100),
				new DocumentationExamples.OrderPlaced("o-2", 50), new DocumentationExamples.OrderPlaced("o-1", 25));
		ApplicationContextRunner runner = esdb.application(postgres, stream)
			.withBean(DocumentationExamples.OrderTotals.class)
			.withPropertyValues(
					// The recipe's properties:
					"esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always");
		runner.run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			await().atMost(java.time.Duration.ofSeconds(20))
				.until(() -> Checkpoint.ofRevision(2).equals(registry.snapshot("order-totals").get().committed()));
			assertThat(totals()).containsExactly(List.of("o-1", 125L, 2), List.of("o-2", 50L, 1));
		});
		esdb.append(stream, new DocumentationExamples.OrderPlaced("o-2", 5));
		runner.run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			await().atMost(java.time.Duration.ofSeconds(20))
				.until(() -> Checkpoint.ofRevision(3).equals(registry.snapshot("order-totals").get().committed()));
			assertThat(totals()).containsExactly(List.of("o-1", 125L, 2), List.of("o-2", 55L, 2));
		});
		assertThat(postgres.jdbc()
			.sql("SELECT stream_revision FROM esdb_checkpoint WHERE subscription_id = 'order-totals'")
			.query(Long.class)
			.single()).isEqualTo(3L);
	}

	@Test
	void theBatchRecipeKeepsTotalsAndTheirCheckpointTogether() throws Exception {
		String stream = "orders-" + UUID.randomUUID();
		esdb.append(stream, new DocumentationExamples.OrderPlaced("b-1", 100),
				new DocumentationExamples.OrderPlaced("b-2", 50), new DocumentationExamples.OrderPlaced("b-1", 25));
		esdb.application(postgres, stream)
			.withBean(DocumentationExamples.BatchedOrderTotals.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(java.time.Duration.ofSeconds(20))
					.until(() -> Checkpoint.ofRevision(2)
						.equals(registry.snapshot("batched-order-totals").get().committed()));
				assertThat(totals()).contains(List.of("b-1", 125L, 2), List.of("b-2", 50L, 1));
				assertThat(postgres.jdbc()
					.sql("SELECT stream_revision FROM esdb_checkpoint WHERE subscription_id = 'batched-order-totals'")
					.query(Long.class)
					.single()).isEqualTo(2L);
			});
		// The other recipe's test reads the whole table.
		postgres.jdbc().sql("DELETE FROM order_totals WHERE order_id LIKE 'b-%'").update();
	}

}
