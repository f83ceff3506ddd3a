package io.github.esdb.subscription.docs;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
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

	private static final JsonMapper json = new JsonMapper();

	private static EmbeddedEsdbServer server;

	private static KurrentDBClient client;

	@BeforeAll
	static void start() {
		server = EmbeddedEsdbServer.builder().port(0).build().start();
		client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
		postgres.jdbc().sql(DocumentationExamples.ORDER_TOTALS_TABLE).update();
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.shutdown();
		}
		if (server != null) {
			server.close();
		}
	}

	private static void append(String stream, DocumentationExamples.OrderPlaced... events) throws Exception {
		List<EventData> data = java.util.Arrays.stream(events)
			.map((event) -> EventData.builderAsJson("OrderPlaced", json.writeValueAsBytes(event)).build())
			.toList();
		client.appendToStream(stream, data.iterator()).get(10, TimeUnit.SECONDS);
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
		append(stream, new DocumentationExamples.OrderPlaced("o-1", 100),
				new DocumentationExamples.OrderPlaced("o-2", 50), new DocumentationExamples.OrderPlaced("o-1", 25));
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withBean(DocumentationExamples.OrderTotals.class)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.connection-string=" + server.connectionString(), "orders.stream=" + stream,
					// The recipe's properties:
					"esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always");
		runner.run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			await().atMost(java.time.Duration.ofSeconds(20))
				.until(() -> Checkpoint.ofRevision(2).equals(registry.snapshot("order-totals").get().committed()));
			assertThat(totals()).containsExactly(List.of("o-1", 125L, 2), List.of("o-2", 50L, 1));
		});
		append(stream, new DocumentationExamples.OrderPlaced("o-2", 5));
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
		append(stream, new DocumentationExamples.OrderPlaced("b-1", 100),
				new DocumentationExamples.OrderPlaced("b-2", 50), new DocumentationExamples.OrderPlaced("b-1", 25));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withBean(DocumentationExamples.BatchedOrderTotals.class)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.connection-string=" + server.connectionString(), "orders.stream=" + stream,
					"esdb.subscriptions.checkpoint.store=jdbc",
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
