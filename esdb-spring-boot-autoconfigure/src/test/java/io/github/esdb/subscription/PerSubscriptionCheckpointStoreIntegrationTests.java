package io.github.esdb.subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code esdb.subscriptions.by-id.<id>.checkpoint-store=memory}: a read model kept in memory gets in-memory checkpoints,
 * so that a restart against the same database rebuilds it from the start, while the other subscriptions keep their
 * durable checkpoints and resume after them.
 */
@ExtendWith(OutputCaptureExtension.class)
class PerSubscriptionCheckpointStoreIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void anInMemoryReadModelIsRebuiltAfterARestartWhileADurableOneResumes() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		String[] properties = { "test.stream=" + stream,
				"esdb.subscriptions.by-id.in-memory-view.checkpoint-store=memory" };
		esdb.runner().withUserConfiguration(Views.class).withPropertyValues(properties).run((context) -> {
			Views views = context.getBean(Views.class);
			await().atMost(EmbeddedServerSupport.wait(10))
				.until(() -> views.inMemory.size() == 3 && views.durable.size() == 3);
		});
		esdb.append(stream, new OrderPlaced("d", 4));
		// The application starts again, with empty beans, against the same database.
		esdb.runner().withUserConfiguration(Views.class).withPropertyValues(properties).run((context) -> {
			Views views = context.getBean(Views.class);
			await().atMost(EmbeddedServerSupport.wait(10))
				.until(() -> views.inMemory.size() == 4 && views.durable.size() == 1);
			assertThat(views.inMemory).containsExactly("a", "b", "c", "d");
			assertThat(views.durable).containsExactly("d");
		});
		assertThat(esdb.read("$esdb-checkpoint-durable-view")).isNotEmpty();
		assertThat(esdb.read("$esdb-checkpoint-in-memory-view")).isEmpty();
	}

	@Test
	void namingASubscriptionThatDoesNotExistIsReported(CapturedOutput output) {
		esdb.runner()
			.withUserConfiguration(Views.class)
			.withPropertyValues("test.stream=" + EmbeddedServerSupport.unique("orders"),
					"esdb.subscriptions.by-id.in-memory-veiw.checkpoint-store=memory")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("esdb.subscriptions.by-id names subscription 'in-memory-veiw', "
				+ "which does not exist (yet); known subscriptions: [in-memory-view, durable-view]");
	}

	@Configuration(proxyBeanMethods = false)
	static class Views {

		final List<String> inMemory = new CopyOnWriteArrayList<>();

		final List<String> durable = new CopyOnWriteArrayList<>();

		@Bean
		Object inMemoryView() {
			return new Object() {
				@EventSubscription(id = "in-memory-view", stream = "${test.stream}")
				void on(OrderPlaced order) {
					Views.this.inMemory.add(order.orderId());
				}
			};
		}

		@Bean
		Object durableView() {
			return new Object() {
				@EventSubscription(id = "durable-view", stream = "${test.stream}")
				void on(OrderPlaced order) {
					Views.this.durable.add(order.orderId());
				}
			};
		}

	}

}
