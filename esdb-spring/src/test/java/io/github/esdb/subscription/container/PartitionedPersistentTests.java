package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A concurrent persistent subscription: up to N events at once on one connection, in order per key, each acked when
 * its handler returns.
 */
class PartitionedPersistentTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	@Test
	void handlesUpToNAtOnceInOrderPerStreamAndAcksEach() throws Exception {
		String prefix = "ppart" + System.nanoTime();
		for (int i = 0; i < 20; i++) {
			for (int s = 0; s < 25; s++) {
				List<EventData> events = new ArrayList<>();
				for (int k = 0; k < 4; k++) {
					events.add(EventData.builderAsJson("Tick", ("{\"n\":" + (i * 4 + k) + "}").getBytes()).build());
				}
				esdb.client().appendToStream(prefix + "-" + s, events.iterator()).get(10, TimeUnit.SECONDS);
			}
		}
		Map<String, List<Long>> seen = new ConcurrentHashMap<>();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		SubscriptionContainer container = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> new InMemoryCheckpointStore())
			.concurrency(8, Map.of(), 64)
			.build()
			.create(SubscriptionEndpoint.persistent("workers", "$all", "workers")
				.filter(EventFilterSpec.streamPrefixes(prefix + "-"))
				.from(StartPosition.START)
				.handler((event, context) -> {
					mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
					try {
						Thread.sleep(1);
						seen.computeIfAbsent(context.stream(), (s) -> new CopyOnWriteArrayList<>())
							.add(context.revision());
					}
					finally {
						running.decrementAndGet();
					}
				})
				.build());
		container.start();
		try {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> seen.values().stream().mapToInt(List::size).sum() >= 2_000);
			KurrentDBPersistentSubscriptionsClient groups = KurrentDBPersistentSubscriptionsClient.from(esdb.client());
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				PersistentSubscriptionToAllInfo info = groups.getInfoToAll("workers")
					.get(5, TimeUnit.SECONDS)
					.orElseThrow();
				assertThat(info.getStats().getTotalInFlightMessages()).isZero();
				assertThat(info.getStats().getParkedMessageCount()).isZero();
			});
		}
		finally {
			container.stop(Duration.ofSeconds(10));
		}
		assertThat(seen).hasSize(25);
		seen.forEach((stream, revisions) -> {
			assertThat(revisions).as(stream).hasSize(80).isSorted();
		});
		assertThat(mostAtOnce.get()).isGreaterThan(1);
		assertThat(container.snapshot().concurrency()).isEqualTo(8);
	}

}
