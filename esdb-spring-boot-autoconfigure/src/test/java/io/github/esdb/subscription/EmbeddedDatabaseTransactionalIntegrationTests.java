package io.github.esdb.subscription;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded default: with H2 on the class path and nothing configured, Spring Boot starts an in-memory database,
 * the checkpoint table is created there (initialize-schema=embedded), and a transactional subscription keeps its read
 * model exactly once in it.
 */
class EmbeddedDatabaseTransactionalIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void aTransactionalSubscriptionOnH2() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		esdb.runner()
			.withConfiguration(JdbcTestSupport.JDBC)
			.withUserConfiguration(H2ReadModel.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc", "test.stream=" + stream,
					"test.id=" + stream)
			.run((context) -> {
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				await().atMost(EmbeddedServerSupport.wait(20))
					.until(() -> Long.valueOf(2).equals(JdbcTestSupport.storedRevision(jdbc, stream)));
				assertThat(jdbc.sql("SELECT revision FROM read_model ORDER BY revision").query(Long.class).list())
					.containsExactly(0L, 1L, 2L);
				assertThat(context.getBean(SubscriptionRegistry.class).snapshot(stream).get().failed()).isEqualTo(1);
			});
	}

	static class H2ReadModel implements InitializingBean {

		private final JdbcClient jdbc;

		private final Set<Long> failedOnce = ConcurrentHashMap.newKeySet();

		H2ReadModel(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Override
		public void afterPropertiesSet() {
			this.jdbc.sql("CREATE TABLE read_model (order_id VARCHAR(100) NOT NULL, revision BIGINT NOT NULL)").update();
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", transactional = "true")
		void on(OrderPlaced event, EventContext context) {
			this.jdbc.sql("INSERT INTO read_model (order_id, revision) VALUES (?, ?)")
				.param(event.orderId())
				.param(context.revision())
				.update();
			if (context.revision() == 1 && this.failedOnce.add(context.revision())) {
				throw new IllegalStateException("injected failure after the insert");
			}
		}

	}

}
