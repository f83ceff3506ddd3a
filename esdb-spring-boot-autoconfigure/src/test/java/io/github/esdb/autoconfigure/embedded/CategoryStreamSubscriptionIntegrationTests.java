package io.github.esdb.autoconfigure.embedded;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.EsdbTemplate;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The docs' own category example on the embedded server the starter starts by itself: a class-level
 * {@code @EventSubscription} to {@code $ce-order} with {@code resolveLinks} receives the events appended to the
 * {@code order-*} streams, because the server runs the system projections like a real node.
 */
class CategoryStreamSubscriptionIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EmbeddedEsdbAutoConfiguration.class, EsdbAutoConfiguration.class,
				EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
				EsdbTemplateAutoConfiguration.class))
		.withPropertyValues("esdb.subscriptions.checkpoint.store=memory")
		.withUserConfiguration(OrderViewProjection.class);

	@Test
	void aResolveLinksSubscriptionToTheCategoryReceivesTheOrderEvents() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedEsdbServer.class);
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			OrderViewProjection projection = context.getBean(OrderViewProjection.class);
			String first = "order-" + UUID.randomUUID();
			String second = "order-" + UUID.randomUUID();
			template.append(first, new OrderPlaced("o-1", 1200));
			template.append(second, new OrderPlaced("o-2", 500));
			template.append(first, new OrderShipped("o-1", "ups"));
			// Another category stays out.
			template.append("invoice-" + UUID.randomUUID(), new OrderPlaced("not-an-order", 1));

			await().atMost(Duration.ofSeconds(30)).until(() -> projection.seen.size() == 3);
			assertThat(projection.seen).containsExactly("placed o-1 1200 " + first + "@0",
					"placed o-2 500 " + second + "@0", "shipped o-1 ups " + first + "@1");
		});
	}

	@EventType("OrderPlaced")
	record OrderPlaced(String orderId, long amountCents) {
	}

	@EventType("OrderShipped")
	record OrderShipped(String orderId, String carrier) {
	}

	@EventSubscription(id = "order-view", stream = "$ce-order", resolveLinks = true)
	static class OrderViewProjection {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@EventHandler
		void placed(OrderPlaced event, EventContext context) {
			this.seen.add("placed " + event.orderId() + " " + event.amountCents() + " " + context.stream() + "@"
					+ context.revision());
		}

		@EventHandler
		void shipped(OrderShipped event, EventContext context) {
			this.seen.add("shipped " + event.orderId() + " " + event.carrier() + " " + context.stream() + "@"
					+ context.revision());
		}

	}

}
