package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.EventData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The catch-up delivery path in batches ({@code handler-thread=worker}), through the official client and the
 * embedded server: the worker takes
 * whole batches from the client's listener and still handles every event once, in order; a slow handler still bounds
 * what waits in memory; checkpoints are coalesced and the last one is stored on stop.
 */
class BatchedDeliveryTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	private static void appendTicks(String stream, int count) throws Exception {
		List<EventData> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(EventData.builderAsJson("Tick", ("{\"n\":" + i + "}").getBytes()).build());
			if (batch.size() == 500 || i == count - 1) {
				esdb.client().appendToStream(stream, batch.iterator()).get(30, TimeUnit.SECONDS);
				batch = new ArrayList<>();
			}
		}
	}

	private static DefaultSubscriptionContainerFactory.Builder factory(CheckpointStore store) {
		return DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> store)
			.catchUpHandlerThread(HandlerThread.WORKER);
	}

	@Test
	void handsOverInBatchesAndKeepsTheOrder() throws Exception {
		String stream = "batched-order-" + System.nanoTime();
		appendTicks(stream, 20_000);
		List<Long> seen = new CopyOnWriteArrayList<>();
		SubscriptionContainer container = factory(new InMemoryCheckpointStore()).catchUpBatchSize(64)
			.build()
			.create(SubscriptionEndpoint.toStream("batched-order", stream)
				.handler((event, context) -> seen.add(context.revision()))
				.build());
		container.start();
		try {
			await().atMost(Duration.ofSeconds(120)).until(() -> seen.size() >= 20_000);
		}
		finally {
			container.stop(Duration.ofSeconds(10));
		}
		assertThat(seen).hasSize(20_000);
		for (int i = 0; i < seen.size(); i++) {
			assertThat(seen.get(i)).isEqualTo(i);
		}
	}

	@Test
	void aSlowHandlerBoundsWhatWaits() throws Exception {
		String stream = "batched-backlog-" + System.nanoTime();
		appendTicks(stream, 20_000);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger handled = new AtomicInteger();
		List<Long> seen = new CopyOnWriteArrayList<>();
		DefaultSubscriptionContainer container = (DefaultSubscriptionContainer) factory(new InMemoryCheckpointStore())
			.catchUpBatchSize(64)
			.build()
			.create(SubscriptionEndpoint.toStream("batched-backlog", stream).handler((event, context) -> {
				release.await();
				seen.add(context.revision());
				handled.incrementAndGet();
			}).build());
		container.start();
		try {
			// The handler holds its first batch; the listener fills the buffer up to its bound and then blocks.
			await().atMost(Duration.ofSeconds(30)).until(() -> container.waiting() == 64);
			await().during(Duration.ofMillis(1_500))
				.atMost(Duration.ofSeconds(10))
				.until(() -> container.waiting() <= 64 && handled.get() == 0);
			release.countDown();
			await().atMost(Duration.ofSeconds(120)).until(() -> handled.get() >= 20_000);
		}
		finally {
			release.countDown();
			container.stop(Duration.ofSeconds(10));
		}
		for (int i = 0; i < seen.size(); i++) {
			assertThat(seen.get(i)).isEqualTo(i);
		}
	}

	@Test
	void coalescesCheckpointsAndStoresTheLastOnStop() throws Exception {
		String stream = "batched-commits-" + System.nanoTime();
		appendTicks(stream, 20_000);
		CountingStore store = new CountingStore();
		AtomicInteger handled = new AtomicInteger();
		SubscriptionContainer container = factory(store).checkpointEvery(10, Duration.ofHours(1))
			.checkpointMinInterval(Duration.ofMillis(500))
			.build()
			.create(SubscriptionEndpoint.toStream("batched-commits", stream)
				.handler((event, context) -> handled.incrementAndGet())
				.build());
		long started = System.nanoTime();
		container.start();
		try {
			await().atMost(Duration.ofSeconds(120)).until(() -> handled.get() >= 20_000);
		}
		finally {
			container.stop(Duration.ofSeconds(10));
		}
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		// Every 10 events would be 2,000 writes; at most one per 500 ms, plus the one of the stop.
		assertThat(store.stores.get()).isBetween(1, (int) (elapsedMillis / 500) + 2);
		assertThat(store.load("batched-commits")).contains(Checkpoint.ofRevision(19_999));
	}

	/** The in-memory store, counting writes. */
	static final class CountingStore implements CheckpointStore {

		private final InMemoryCheckpointStore delegate = new InMemoryCheckpointStore();

		final AtomicInteger stores = new AtomicInteger();

		@Override
		public Optional<Checkpoint> load(String subscriptionId) {
			return this.delegate.load(subscriptionId);
		}

		@Override
		public void store(String subscriptionId, Checkpoint checkpoint) {
			this.stores.incrementAndGet();
			this.delegate.store(subscriptionId, checkpoint);
		}

	}

}
