package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.task.SimpleAsyncTaskExecutor;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Containers assembled by the factory, without Spring Boot, against the embedded server through the official client.
 */
class DefaultSubscriptionContainerFactoryTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	@Test
	void aCatchUpContainerRunsOnTheGivenExecutorHandlesInOrderAndCommitsAtStop() throws Exception {
		String stream = "factory-" + System.nanoTime();
		esdb.appendTicks(stream, 5);
		AtomicInteger threadsCreated = new AtomicInteger();
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor((runnable) -> {
			threadsCreated.incrementAndGet();
			Thread thread = new Thread(runnable, "test-worker");
			thread.setDaemon(true);
			return thread;
		});
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		List<Long> revisions = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		DefaultSubscriptionContainerFactory factory = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> store)
			.checkpointEvery(1000, Duration.ofHours(1))
			.catchUpHandlerThread(HandlerThread.WORKER)
			.taskExecutor(executor)
			.build();
		SubscriptionContainer container = factory.create(SubscriptionEndpoint.toStream("ticks", stream)
			.handler((event, context) -> {
				revisions.add(context.revision());
				threads.add(Thread.currentThread().getName());
			})
			.build());

		try {
			container.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> revisions.size() == 5);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> container.snapshot().state() == SubscriptionState.LIVE);
			assertThat(revisions).containsExactly(0L, 1L, 2L, 3L, 4L);
			assertThat(threads).containsOnly("esdb-subscription-ticks");
			assertThat(threadsCreated).hasValue(1);
			// Caught up: committed then; after that only every 1000 events or hour, or at the stop.
			await().atMost(Duration.ofSeconds(10)).until(() -> store.load("ticks").isPresent());
			assertThat(store.load("ticks")).contains(Checkpoint.ofRevision(4));
			esdb.appendTicks(stream, 2);
			await().atMost(Duration.ofSeconds(10)).until(() -> revisions.size() == 7);
			assertThat(store.load("ticks")).contains(Checkpoint.ofRevision(4));
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(5))).isTrue();
		}
		assertThat(container.snapshot().state()).isEqualTo(SubscriptionState.STOPPED);
		assertThat(store.load("ticks")).contains(Checkpoint.ofRevision(6));
		assertThat(container.snapshot().handled()).isEqualTo(7);
		assertThat(container.snapshot().committed()).isEqualTo(Checkpoint.ofRevision(6));
		assertThat(threadsCreated).hasValue(1);
	}

}
