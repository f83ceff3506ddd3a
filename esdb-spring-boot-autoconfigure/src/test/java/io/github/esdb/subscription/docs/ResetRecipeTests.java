package io.github.esdb.subscription.docs;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reset example of docs/subscriptions.md, as written there, on PostgreSQL: its {@code @ResetHandler} clears what
 * the replay writes again, so a reset to a revision or to the start leaves every row once.
 */
class ResetRecipeTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	@RegisterExtension
	static final RecipeServer esdb = new RecipeServer();

	@BeforeAll
	static void createTable() {
		// No key on purpose: a replay that the handler did not make room for would show as duplicate rows.
		postgres.jdbc()
			.sql("CREATE TABLE order_history (order_id VARCHAR(100) NOT NULL, amount_cents BIGINT NOT NULL, "
					+ "revision BIGINT NOT NULL)")
			.update();
	}

	private static List<String> history() {
		return postgres.jdbc()
			.sql("SELECT order_id || '@' || revision FROM order_history ORDER BY revision, order_id")
			.query(String.class)
			.list();
	}

	@Test
	void aResetToARevisionOrToTheStartRebuildsEachRowOnce() throws Exception {
		String stream = "orders-" + UUID.randomUUID();
		esdb.append(stream, new DocumentationExamples.OrderPlaced("o-1", 100),
				new DocumentationExamples.OrderPlaced("o-2", 50), new DocumentationExamples.OrderPlaced("o-3", 25));
		esdb.application(postgres, stream)
			.withBean(DocumentationExamples.OrderHistory.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				awaitCommittedAt2(registry);
				assertThat(history()).containsExactly("o-1@0", "o-2@1", "o-3@2");

				assertThat(registry.reset("order-history", StartPosition.revision(1)))
					.isEqualTo(Checkpoint.ofRevision(0));
				awaitCommittedAt2(registry);
				assertThat(history()).containsExactly("o-1@0", "o-2@1", "o-3@2");

				assertThat(registry.reset("order-history", StartPosition.START)).isEqualTo(Checkpoint.beforeFirst(false));
				awaitCommittedAt2(registry);
				assertThat(history()).containsExactly("o-1@0", "o-2@1", "o-3@2");
			});
	}

	private static void awaitCommittedAt2(SubscriptionRegistry registry) {
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			var snapshot = registry.snapshot("order-history").get();
			return Checkpoint.ofRevision(2).equals(snapshot.committed()) && snapshot.state() == SubscriptionState.LIVE;
		});
	}

}
