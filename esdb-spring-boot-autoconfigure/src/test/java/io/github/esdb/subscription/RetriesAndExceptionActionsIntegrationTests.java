package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Persistent retries wait a back-off between redeliveries and park after the configured number; exception classes
 * map to actions per subscription and as defaults, for both kinds.
 */
class RetriesAndExceptionActionsIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void persistentRedeliveriesAreSpacedByTheBackOffAndParkedAfterMaxAttempts() {
		String stream = EmbeddedServerSupport.unique("payments");
		String id = EmbeddedServerSupport.unique("retrying");
		esdb.append(stream, new OrderPlaced("flaky", 1));
		esdb.runner()
			.withUserConfiguration(Failing.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream,
					"esdb.subscriptions.persistent.retry.initial-interval=400ms",
					"esdb.subscriptions.persistent.retry.multiplier=2",
					"esdb.subscriptions.persistent.retry.max-interval=5s",
					"esdb.subscriptions.persistent.retry.max-attempts=2")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				Failing handler = context.getBean(Failing.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> registry.parkedCount(id) == 1);
				assertThat(handler.deliveries).hasSize(3);
				assertThat(handler.retryCounts).containsExactly(0, 1, 2);
				long firstGap = handler.deliveries.get(1) - handler.deliveries.get(0);
				long secondGap = handler.deliveries.get(2) - handler.deliveries.get(1);
				assertThat(firstGap).as("wait before the first redelivery, ms").isGreaterThanOrEqualTo(400);
				assertThat(secondGap).as("wait before the second redelivery, ms").isGreaterThanOrEqualTo(800);
				ParkedEvent parked = registry.parked(id, 0, 1).get(0);
				assertThat(parked.reason()).contains("Retried 2 times; IllegalStateException: downstream is down");
				// Parked, not delivered again.
				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
					.until(() -> handler.deliveries.size() == 3);
			});
	}

	@Test
	void exceptionClassesMapToActionsPerSubscriptionAndAsDefaults() {
		String stream = EmbeddedServerSupport.unique("payments");
		String parking = EmbeddedServerSupport.unique("parks");
		String skipping = EmbeddedServerSupport.unique("skips");
		String catchUp = EmbeddedServerSupport.unique("catchup");
		esdb.append(stream, new OrderPlaced("invalid", 1));
		esdb.runner()
			.withUserConfiguration(Mapped.class)
			.withPropertyValues("test.stream=" + stream, "test.parking=" + parking, "test.skipping=" + skipping,
					"test.catch-up=" + catchUp,
					"esdb.subscriptions.persistent.retry.initial-interval=5s",
					"esdb.subscriptions.exception-actions[java.lang.IllegalArgumentException]=park",
					"esdb.subscriptions.by-id." + skipping
							+ ".exception-actions[java.lang.IllegalArgumentException]=skip")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				Mapped handler = context.getBean(Mapped.class);
				// The default parks at once (a subclass counts), without waiting the 5s retry back-off.
				await().atMost(Duration.ofSeconds(4)).until(() -> registry.parkedCount(parking) == 1);
				await().atMost(Duration.ofSeconds(4)).until(() -> registry.parkedCount(catchUp) == 1);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot(skipping).get().skipped() == 1);
				assertThat(registry.parkedCount(skipping)).isZero();
				assertThat(handler.calls).containsExactlyInAnyOrder(parking, skipping, catchUp);
				assertThat(registry.parked(catchUp, 0, 1).get(0).error())
					.isEqualTo("java.lang.NumberFormatException: invalid amount");
				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
					.until(() -> handler.calls.size() == 3);
			});
	}

	static class Failing {

		final List<Long> deliveries = new CopyOnWriteArrayList<>();

		final List<Integer> retryCounts = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", group = "${test.id}", from = "start")
		void on(OrderPlaced order, EventContext context) {
			this.deliveries.add(System.currentTimeMillis());
			this.retryCounts.add(context.retryCount());
			throw new IllegalStateException("downstream is down");
		}

	}

	static class Mapped {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "${test.parking}", stream = "${test.stream}", group = "${test.parking}",
				from = "start")
		void parks(OrderPlaced order, EventContext context) {
			this.calls.add(context.subscriptionId());
			throw new NumberFormatException("invalid amount");
		}

		@EventSubscription(id = "${test.skipping}", stream = "${test.stream}", group = "${test.skipping}",
				from = "start")
		void skips(OrderPlaced order, EventContext context) {
			this.calls.add(context.subscriptionId());
			throw new NumberFormatException("invalid amount");
		}

		@EventSubscription(id = "${test.catch-up}", stream = "${test.stream}")
		void catchesUp(OrderPlaced order, EventContext context) {
			this.calls.add(context.subscriptionId());
			throw new NumberFormatException("invalid amount");
		}

	}

}
