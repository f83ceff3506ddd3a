package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @EventSubscription(concurrency, partitionBy)} and {@code esdb.subscriptions.concurrency}/{@code by-id}
 * in a real context against the embedded server.
 */
class ConcurrentSubscriptionIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private static String writeOrders(int orders, int perOrder) {
		String stream = EmbeddedServerSupport.unique("orders");
		Object[] events = new Object[orders * perOrder];
		for (int n = 0; n < perOrder; n++) {
			for (int o = 0; o < orders; o++) {
				events[n * orders + o] = new OrderPlaced("o-" + o, n);
			}
		}
		esdb.append(stream, events);
		return stream;
	}

	@Test
	void aSpelPartitionKeyKeepsEachOrdersEventsInOrderOnOneStream() {
		String stream = writeOrders(10, 20);
		esdb.runner()
			.withUserConfiguration(ByOrder.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream)
			.run((context) -> {
				ByOrder handler = context.getBean(ByOrder.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> handler.count() == 200);
				handler.amounts.forEach((order, amounts) -> assertThat(amounts).as(order).isSorted().hasSize(20));
				SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot(stream).get();
				assertThat(snapshot.concurrency()).isEqualTo(4);
			});
	}

	@Test
	void thePropertyOfOneSubscriptionOverridesItsAnnotation() {
		String stream = writeOrders(3, 2);
		esdb.runner()
			.withUserConfiguration(ByOrder.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream,
					"esdb.subscriptions.by-id." + stream + ".concurrency=2")
			.run((context) -> {
				ByOrder handler = context.getBean(ByOrder.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> handler.count() == 6);
				assertThat(context.getBean(SubscriptionRegistry.class).snapshot(stream).get().concurrency())
					.isEqualTo(2);
			});
	}

	@Test
	void aPartitionKeyResolverBeanByName() {
		String stream = writeOrders(5, 4);
		esdb.runner()
			.withUserConfiguration(ByResolverConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream)
			.run((context) -> {
				ByOrder handler = context.getBean(ByOrder.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> handler.count() == 20);
				assertThat(context.getBean(ByResolverConfiguration.class).calls).isNotEmpty();
				handler.amounts.forEach((order, amounts) -> assertThat(amounts).as(order).isSorted());
			});
	}

	@Test
	void aConcurrencyThatCannotWorkFailsStartUpNamingTheMethod() {
		esdb.runner()
			.withUserConfiguration(ByOrder.class)
			.withPropertyValues("test.stream=x", "test.id=x", "test.concurrency=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidSubscriptionException.class)
				.hasMessageContaining("method 'on'")
				.hasMessageContaining("concurrency = \"0\""));
	}

	static class ByOrder {

		final Map<String, List<Integer>> amounts = new ConcurrentHashMap<>();

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", concurrency = "${test.concurrency:4}",
				partitionBy = "payload.orderId")
		void on(OrderPlaced order) {
			this.amounts.computeIfAbsent(order.orderId(), (o) -> new CopyOnWriteArrayList<>()).add(order.amount());
		}

		int count() {
			return this.amounts.values().stream().mapToInt(List::size).sum();
		}

	}

	static class ByResolver extends ByOrder {

		@Override
		@EventSubscription(id = "${test.id}", stream = "${test.stream}", concurrency = "3",
				partitionBy = "orderKeys")
		void on(OrderPlaced order) {
			super.on(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ByResolverConfiguration {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Bean
		ByResolver byResolver() {
			return new ByResolver();
		}

		@Bean
		PartitionKeyResolver orderKeys() {
			return (context, payload) -> {
				String order = ((OrderPlaced) payload.get()).orderId();
				this.calls.add(order);
				return order;
			};
		}

	}

}
