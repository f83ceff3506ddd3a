package io.github.esdb.core;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;

/**
 * The whole idempotent-append path as a user writes it: an {@code @EventSubscription} handler appends with
 * {@link EsdbTemplate} and then fails; the event comes again (redelivered by the server to a persistent group, or
 * retried in place by a catch-up subscription), the handler appends again, and the target stream still holds each
 * event once.
 */
class AnnotatedHandlerIdempotencyIntegrationTests {

	@Test
	void aRedeliveredEventAppendsTheSameEventsOnlyOnce() {
		String orders = "order-" + UUID.randomUUID();
		String shipments = "shipment-" + UUID.randomUUID();
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start()) {
			runner(server, orders, shipments).withUserConfiguration(ShippingConfiguration.class)
				.run((context) -> {
					EsdbTemplate template = context.getBean(EsdbTemplate.class);
					ShippingHandler handler = context.getBean(ShippingHandler.class);
					template.append(orders, new OrderAccepted("o-1"));

					// First delivery appends, then throws; the default nack action (retry) brings it back.
					await().atMost(Duration.ofSeconds(20)).until(() -> handler.completed.size() == 1);
					assertThat(handler.attempts).hasValue(2);
					assertThat(handler.retryCounts).containsExactly(0, 1);

					List<StoredEvent<Object>> written = template.readStream(shipments, Object.class);
					assertThat(written).extracting(StoredEvent::payload)
						.containsExactly(new ShipmentRequested("o-1"), new LabelPrinted("o-1"));
					EventContext handled = handler.completed.get(0);
					assertThat(written).allSatisfy((event) -> {
						assertThat(event.context().causationId()).contains(handled.eventId().toString());
						assertThat(event.context().correlationId()).isEqualTo(handled.correlationId());
					});
				});
		}
	}

	@Test
	void aCatchUpHandlerRetriedInPlaceAppendsTheSameEventsOnlyOnce() {
		String orders = "order-" + UUID.randomUUID();
		String shipments = "shipment-" + UUID.randomUUID();
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start()) {
			runner(server, orders, shipments)
				.withPropertyValues("esdb.subscriptions.checkpoint.store=memory",
						"esdb.subscriptions.catch-up.retry.initial-interval=10ms")
				.withUserConfiguration(CatchUpShippingConfiguration.class)
				.run((context) -> {
					EsdbTemplate template = context.getBean(EsdbTemplate.class);
					CatchUpShippingHandler handler = context.getBean(CatchUpShippingHandler.class);
					template.append(orders, new OrderAccepted("o-2"));

					// The first attempt appends, then throws; the subscription retries the same event in place.
					await().atMost(Duration.ofSeconds(20)).until(() -> handler.completed.size() == 1);
					assertThat(handler.attempts).hasValue(2);
					assertThat(template.readStream(shipments, Object.class)).extracting(StoredEvent::payload)
						.containsExactly(new ShipmentRequested("o-2"), new LabelPrinted("o-2"));
				});
		}
	}

	private static ApplicationContextRunner runner(EmbeddedEsdbServer server, String orders, String shipments) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class,
					SubscriptionAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + server.connectionString(), "test.orders=" + orders,
					"test.shipments=" + shipments);
	}

	@EventType("OrderAccepted")
	record OrderAccepted(String orderId) {
	}

	@EventType("ShipmentRequested")
	record ShipmentRequested(String orderId) {
	}

	@EventType("LabelPrinted")
	record LabelPrinted(String orderId) {
	}

	static class ShippingHandler {

		private final EsdbOperations template;

		private final String shipments;

		final AtomicInteger attempts = new AtomicInteger();

		final List<Integer> retryCounts = new CopyOnWriteArrayList<>();

		final List<EventContext> completed = new CopyOnWriteArrayList<>();

		ShippingHandler(EsdbOperations template, String shipments) {
			this.template = template;
			this.shipments = shipments;
		}

		@EventSubscription(id = "shipping", stream = "${test.orders}", group = "shipping", from = "start")
		void on(OrderAccepted order, EventContext context) {
			this.retryCounts.add(context.retryCount());
			this.template.append(this.shipments, new ShipmentRequested(order.orderId()),
					new LabelPrinted(order.orderId()));
			if (this.attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("crashed after appending, before the ack");
			}
			this.completed.add(context);
		}

	}

	static class CatchUpShippingHandler {

		private final EsdbOperations template;

		private final String shipments;

		final AtomicInteger attempts = new AtomicInteger();

		final List<EventContext> completed = new CopyOnWriteArrayList<>();

		CatchUpShippingHandler(EsdbOperations template, String shipments) {
			this.template = template;
			this.shipments = shipments;
		}

		@EventSubscription(id = "catch-up-shipping", stream = "${test.orders}")
		void on(OrderAccepted order, EventContext context) {
			this.template.append(this.shipments, new ShipmentRequested(order.orderId()),
					new LabelPrinted(order.orderId()));
			if (this.attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("failed after appending");
			}
			this.completed.add(context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CatchUpShippingConfiguration {

		@Bean
		CatchUpShippingHandler catchUpShippingHandler(EsdbOperations template,
				org.springframework.core.env.Environment environment) {
			return new CatchUpShippingHandler(template, environment.getProperty("test.shipments"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShippingConfiguration {

		@Bean
		ShippingHandler shippingHandler(EsdbOperations template,
				org.springframework.core.env.Environment environment) {
			return new ShippingHandler(template, environment.getProperty("test.shipments"));
		}

	}

}
