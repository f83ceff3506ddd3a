package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link SubscriptionRegistry#awaitPosition}: a writer waits until a subscription has processed its append, and then
 * sees the write in the read model. A filtered {@code $all} subscription that never receives the append's events has
 * nothing to process.
 */
class ReadYourWritesIntegrationTests {

	private static final Duration SHORT = Duration.ofMillis(300);

	private static final Duration LONG = Duration.ofSeconds(10);

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private ApplicationContextRunner runner(String stream) {
		return esdb.runner()
			.withConfiguration(AutoConfigurations.of(EsdbTemplateAutoConfiguration.class))
			.withUserConfiguration(ReadModels.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.checkpoint.store=memory");
	}

	@Test
	void aCatchUpSubscriptionToTheStreamHasTheWriteOnceItReturns() {
		String stream = EmbeddedServerSupport.unique("orders");
		runner(stream).run((context) -> {
			ReadModels models = context.getBean(ReadModels.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			EsdbOperations esdb = context.getBean(EsdbOperations.class);
			awaitLive(registry);
			models.hold();
			AppendResult result = esdb.append(stream, new OrderPlaced("a", 1));
			// The handler is busy with it: not processed yet.
			assertThat(registry.awaitPosition("stream-view", result, SHORT)).isFalse();
			models.release();
			assertThat(registry.awaitPosition("stream-view", result, LONG)).isTrue();
			assertThat(models.streamView).containsExactly("a");
			AppendResult second = esdb.append(stream, new OrderPlaced("b", 2));
			assertThat(registry.awaitPosition("stream-view", second, LONG)).isTrue();
			assertThat(models.streamView).containsExactly("a", "b");
			// Processed earlier: returns at once.
			assertThat(registry.awaitPosition("stream-view", result, Duration.ZERO)).isTrue();
		});
	}

	@Test
	void aFilteredAllSubscriptionWaitsForWhatItReceivesAndNotForWhatItNeverReceives() {
		String stream = EmbeddedServerSupport.unique("orders");
		runner(stream).run((context) -> {
			ReadModels models = context.getBean(ReadModels.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			EsdbOperations esdb = context.getBean(EsdbOperations.class);
			awaitLive(registry);
			AppendResult placed = esdb.append(stream, new OrderPlaced("a", 1));
			assertThat(registry.awaitPosition("all-view", placed, LONG)).isTrue();
			assertThat(models.allView).containsExactly("a");

			// Only OrderPlaced reaches the subscription: an OrderShipped never moves its position, and needs no wait.
			AppendResult shipped = esdb.append(stream, new OrderShipped("a"));
			// Without a later OrderPlaced its position never reaches the OrderShipped: only the filter can tell.
			assertThat(registry.awaitPosition("all-view", shipped, LONG)).isTrue();

			// One append, the last event filtered out: the one before it must be handled first.
			models.hold();
			AppendResult both = esdb.append(stream, new OrderPlaced("b", 2), new OrderShipped("b"));
			assertThat(registry.awaitPosition("all-view", both, SHORT)).isFalse();
			models.release();
			assertThat(registry.awaitPosition("all-view", both, LONG)).isTrue();
			assertThat(models.allView).containsExactly("a", "b");
		});
	}

	@Test
	void aPersistentSubscriptionHasTheWriteOnceItsConsumerIsDoneWithIt() {
		String stream = EmbeddedServerSupport.unique("orders");
		runner(stream).withUserConfiguration(PersistentModel.class).run((context) -> {
			PersistentModel model = context.getBean(PersistentModel.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			EsdbOperations esdb = context.getBean(EsdbOperations.class);
			awaitLive(registry);
			AppendResult result = esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2));
			assertThat(registry.awaitPosition("persistent-view", result, LONG)).isTrue();
			assertThat(model.orders).containsExactly("a", "b");
		});
	}

	@Test
	void aStoppedSubscriptionAnswersAtOnceAndWrongQuestionsAreRefused() {
		String stream = EmbeddedServerSupport.unique("orders");
		runner(stream).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			EsdbOperations esdb = context.getBean(EsdbOperations.class);
			awaitLive(registry);
			registry.stop("stream-view");
			AppendResult result = esdb.append(stream, new OrderPlaced("a", 1));
			long started = System.nanoTime();
			assertThat(registry.awaitPosition("stream-view", result, LONG)).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> registry.awaitPosition("no-such-view", result, SHORT))
				.withMessageContaining("No subscription with id 'no-such-view'");
			AppendResult elsewhere = esdb.append(stream + "-other", new OrderPlaced("a", 1));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> registry.awaitPosition("stream-view", elsewhere, SHORT))
				.withMessageContaining("reads stream '" + stream + "'; an append to '" + stream + "-other' never "
						+ "reaches it");
		});
	}

	private static void awaitLive(SubscriptionRegistry registry) {
		await().atMost(LONG)
			.until(() -> registry.snapshots().stream().allMatch((s) -> s.state() == SubscriptionState.LIVE));
	}

	@Configuration(proxyBeanMethods = false)
	static class ReadModels {

		final List<String> streamView = new CopyOnWriteArrayList<>();

		final List<String> allView = new CopyOnWriteArrayList<>();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		void hold() {
			this.gate = new CountDownLatch(1);
		}

		void release() {
			this.gate.countDown();
		}

		private void pass() {
			try {
				this.gate.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Bean
		Object streamView() {
			return new Object() {
				@EventSubscription(id = "stream-view", stream = "${test.stream}")
				void on(OrderPlaced order) {
					pass();
					ReadModels.this.streamView.add(order.orderId());
				}
			};
		}

		@Bean
		Object allView() {
			return new Object() {
				// From the end: the server is shared with the other tests, whose events are not this one's.
				@EventSubscription(id = "all-view", stream = "$all", from = "end")
				void on(OrderPlaced order) {
					pass();
					ReadModels.this.allView.add(order.orderId());
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PersistentModel {

		final List<String> orders = new CopyOnWriteArrayList<>();

		@Bean
		Object persistentView() {
			return new Object() {
				@EventSubscription(id = "persistent-view", stream = "${test.stream}", group = "view", from = "start")
				void on(OrderPlaced order) {
					PersistentModel.this.orders.add(order.orderId());
				}
			};
		}

	}

}
