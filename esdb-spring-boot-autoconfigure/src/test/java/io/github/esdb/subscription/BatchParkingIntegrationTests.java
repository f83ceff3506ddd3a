package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A catch-up batch handler whose error policy parks: the event a {@link BatchHandlerFailedException} names, or every
 * event of a batch that failed as a whole, goes to the subscription's dead-letter stream, the subscription moves on
 * past it, and a replay hands it to the handler again. Nothing is passed without being handled or parked. Real parts:
 * the official client over TCP to the embedded server, a Spring context.
 */
class BatchParkingIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void theEventABatchHandlerNamesIsParkedAndTheOthersAreHandled() {
		String id = EmbeddedServerSupport.unique("batch-parking");
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("good-1", 1), new OrderPlaced("bad-1", 2), new OrderPlaced("good-2", 3),
				new OrderPlaced("good-3", 4));
		esdb.runner()
			.withUserConfiguration(BatchHandler.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream,
					"esdb.subscriptions.by-id." + id + ".batch-size=10")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				BatchHandler handler = context.getBean(BatchHandler.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> registry.parkedCount(id) == 1);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Checkpoint.ofRevision(3).equals(registry.snapshot(id).get().committed()));
				assertThat(handler.handled).containsExactly("good-1", "good-2", "good-3");
				List<ParkedEvent> parked = registry.parked(id, 0, 10);
				assertThat(parked).extracting(ParkedEvent::revision).containsExactly(1L);
				assertThat(parked).extracting(ParkedEvent::reason).containsExactly("no bad-1");

				handler.refuse = false;
				assertThat(registry.replayParked(id)).isEqualTo(1);
				assertThat(handler.handled).containsExactly("good-1", "good-2", "good-3", "bad-1");
				assertThat(registry.parkedCount(id)).isZero();
			});
	}

	@Test
	void aBatchThatFailsAsAWholeUnderTheParkPolicyParksEachOfItsEvents() {
		String id = EmbeddedServerSupport.unique("batch-parking");
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("poison-1", 1), new OrderPlaced("poison-2", 2));
		esdb.runner()
			.withUserConfiguration(BatchHandler.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream,
					"esdb.subscriptions.by-id." + id + ".batch-size=10", "esdb.subscriptions.catch-up.on-error=park",
					"esdb.subscriptions.catch-up.retry.max-attempts=1",
					"esdb.subscriptions.catch-up.retry.initial-interval=10ms")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				BatchHandler handler = context.getBean(BatchHandler.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> registry.parkedCount(id) == 2);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Checkpoint.ofRevision(1).equals(registry.snapshot(id).get().committed()));
				assertThat(handler.handled).isEmpty();
				assertThat(registry.parked(id, 0, 10)).extracting(ParkedEvent::revision).containsExactly(0L, 1L);
				assertThat(registry.snapshot(id).get().state()).isNotEqualTo(SubscriptionState.FAILED);
			});
	}

	static class BatchHandler {

		final List<String> handled = new CopyOnWriteArrayList<>();

		volatile boolean refuse = true;

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(List<OrderPlaced> orders) {
			for (int i = 0; i < orders.size(); i++) {
				String orderId = orders.get(i).orderId();
				if (orderId.startsWith("poison")) {
					throw new IllegalStateException("cannot handle " + orderId);
				}
			}
			for (int i = 0; i < orders.size(); i++) {
				String orderId = orders.get(i).orderId();
				if (this.refuse && orderId.startsWith("bad")) {
					// The events before it were handled by this call: recorded here, kept by the container.
					throw new BatchHandlerFailedException(i, NackException.park("no " + orderId));
				}
				this.handled.add(orderId);
			}
		}

	}

}
