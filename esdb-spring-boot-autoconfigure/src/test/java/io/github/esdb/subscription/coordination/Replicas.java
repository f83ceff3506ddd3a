package io.github.esdb.subscription.coordination;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.kurrent.dbclient.EventData;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * What the replica tests share: writing order events as another application would, and asking a replica about a
 * subscription.
 */
final class Replicas {

	private Replicas() {
	}

	/** Append {@code OrderPlaced} events {@code from} to {@code from + count - 1}. */
	static void write(ObservabilityTestSupport esdb, String stream, int from, int count) {
		List<EventData> events = IntStream.range(from, from + count)
			.mapToObj((i) -> ObservabilityTestSupport.event("OrderPlaced", Map.of("orderId", "o-" + i, "amount", i)))
			.toList();
		try {
			esdb.writer.appendToStream(stream, events.iterator()).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static SubscriptionSnapshot snapshot(AssertableApplicationContext context, String id) {
		return context.getBean(SubscriptionRegistry.class).snapshot(id).orElseThrow();
	}

	/** Whether the replica holds the subscription's lease and runs it. */
	static boolean runsHere(AssertableApplicationContext context, String id) {
		SubscriptionSnapshot snapshot = snapshot(context, id);
		return snapshot.ownership() != null && snapshot.ownership().owned() && snapshot.state().isActive();
	}

}
