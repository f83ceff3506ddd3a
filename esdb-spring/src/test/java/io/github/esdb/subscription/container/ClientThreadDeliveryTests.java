package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionHandler;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The default catch-up delivery ({@code handler-thread=client}), through the official client and the embedded server:
 * the handler runs on the thread the client delivers on, every event once and in order, after the state says the
 * subscription is catching up; a stop that times out interrupts that thread and does not leave it interrupted; a
 * handler may stop its own subscription.
 */
class ClientThreadDeliveryTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();

	private SubscriptionContainer container(String id, String stream, SubscriptionHandler handler) {
		return DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> this.store)
			.build()
			.create(SubscriptionEndpoint.toStream(id, stream).handler(handler).build());
	}

	@Test
	void handlesEveryEventInOrderOnTheClientsThreadAndCommitsAtStop() throws Exception {
		String stream = "client-thread-" + System.nanoTime();
		esdb.appendTicks(stream, 5_000);
		List<Long> seen = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		AtomicReference<SubscriptionState> stateAtFirstEvent = new AtomicReference<>();
		AtomicReference<SubscriptionContainer> self = new AtomicReference<>();
		SubscriptionContainer container = container("client-thread", stream, (event, context) -> {
			if (seen.isEmpty()) {
				stateAtFirstEvent.set(self.get().snapshot().state());
				threads.add(Thread.currentThread().getName());
			}
			seen.add(context.revision());
		});
		self.set(container);
		container.start();
		try {
			await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 5_000);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> container.snapshot().state() == SubscriptionState.LIVE);
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		}
		assertThat(seen).hasSize(5_000);
		for (int i = 0; i < seen.size(); i++) {
			assertThat(seen.get(i)).isEqualTo(i);
		}
		// The state is set before the client may hand over the first event.
		assertThat(stateAtFirstEvent).hasValue(SubscriptionState.CATCHING_UP);
		assertThat(threads).noneMatch((name) -> name.startsWith("esdb-subscription-"));
		assertThat(this.store.load("client-thread")).contains(Checkpoint.ofRevision(4_999));
		assertThat(container.snapshot().handled()).isEqualTo(5_000);
	}

	@Test
	void aStopThatTimesOutInterruptsTheHandlerAndLeavesTheClientsThreadUninterrupted() throws Exception {
		String stream = "client-thread-stuck-" + System.nanoTime();
		esdb.appendTicks(stream, 3);
		AtomicBoolean stuck = new AtomicBoolean(true);
		AtomicReference<Thread> handlerThread = new AtomicReference<>();
		CountDownLatch interrupted = new CountDownLatch(1);
		List<Long> handled = new CopyOnWriteArrayList<>();
		SubscriptionContainer container = container("client-thread-stuck", stream, (event, context) -> {
			if (stuck.get()) {
				handlerThread.set(Thread.currentThread());
				// Spins rather than sleeps, so that it returns with the interrupt flag still set, as a handler that
				// ignores interrupts would.
				while (!Thread.currentThread().isInterrupted()) {
					Thread.onSpinWait();
				}
				interrupted.countDown();
				throw new IllegalStateException("interrupted");
			}
			handled.add(context.revision());
		});
		container.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> handlerThread.get() != null);
		// The event in the handler's hands shows as unfinished, so that an operator sees where it hangs.
		assertThat(container.snapshot().oldestUnfinished()).isEqualTo(Checkpoint.ofRevision(0));
		assertThat(container.stop(Duration.ofMillis(300))).isFalse();
		assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
		// The thread is the client's: it goes back to its pool, which must not find it interrupted.
		await().atMost(Duration.ofSeconds(5)).until(() -> !handlerThread.get().isInterrupted());
		assertThat(container.snapshot().state()).isEqualTo(SubscriptionState.STOPPED);
		assertThat(this.store.load("client-thread-stuck")).isEmpty();

		stuck.set(false);
		container.start();
		try {
			// The event the stuck handler never finished comes again.
			await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 3);
			assertThat(handled).containsExactly(0L, 1L, 2L);
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		}
	}

	@Test
	void anErrorOutsideTheHandlerFailsTheSubscriptionOnEitherThread() throws Exception {
		for (HandlerThread handlerThread : HandlerThread.values()) {
			String id = "client-thread-unreadable-" + handlerThread;
			String stream = id + "-" + System.nanoTime();
			esdb.appendTicks(stream, 3);
			List<Long> handled = new CopyOnWriteArrayList<>();
			// An error policy that fails while deciding about a failed event: the error escapes the handler's error
			// handling, as any failure of the container's own code would.
			SubscriptionContainer container = DefaultSubscriptionContainerFactory.builder()
				.clients(KurrentDBClientProvider.of(esdb.client()))
				.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
				.checkpointStores((name) -> this.store)
				.catchUpHandlerThread(handlerThread)
				.catchUpErrorPolicy(new CatchUpErrorPolicy() {

					@Override
					public BackOff retryBackOff(SubscriptionEndpoint endpoint) {
						return new FixedBackOff(0, 0);
					}

					@Override
					public NackException.@Nullable Action actionFor(SubscriptionEndpoint endpoint, Throwable error) {
						throw new IllegalStateException("broken error policy");
					}

					@Override
					public Outcome onRetriesExhausted(SubscriptionEndpoint endpoint, EventContext event,
							Throwable error) {
						return Outcome.STOP;
					}

				})
				.build()
				.create(SubscriptionEndpoint.toStream(id, stream).handler((event, context) -> {
					handled.add(context.revision());
					throw new IllegalArgumentException("handler failed");
				}).build());
			container.start();
			try {
				// Not a drop: resubscribing would meet the same event again, without end.
				await().atMost(Duration.ofSeconds(20))
					.until(() -> container.snapshot().state() == SubscriptionState.FAILED);
			}
			finally {
				container.stop(Duration.ofSeconds(10));
			}
			assertThat(container.snapshot().lastError()).as(handlerThread.name()).contains("broken error policy");
			assertThat(container.snapshot().reconnects()).as(handlerThread.name()).isZero();
			// Handled once: the policy failed on the first error, before any retry.
			assertThat(handled).as(handlerThread.name()).containsExactly(0L);
		}
	}

	@Test
	void aHandlerThatStopsItsOwnSubscriptionDoesNotWaitForItself() throws Exception {
		String stream = "client-thread-self-stop-" + System.nanoTime();
		esdb.appendTicks(stream, 10);
		AtomicReference<SubscriptionContainer> self = new AtomicReference<>();
		AtomicLong stopMillis = new AtomicLong(-1);
		AtomicReference<Boolean> stopResult = new AtomicReference<>();
		List<Long> handled = new CopyOnWriteArrayList<>();
		SubscriptionContainer container = container("client-thread-self-stop", stream, (event, context) -> {
			handled.add(context.revision());
			if (context.revision() == 2) {
				long started = System.nanoTime();
				stopResult.set(self.get().stop(Duration.ofSeconds(5)));
				stopMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
			}
		});
		self.set(container);
		container.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> stopMillis.get() >= 0 && container.snapshot().state() == SubscriptionState.STOPPED);
		assertThat(stopResult).hasValue(true);
		assertThat(stopMillis.get()).isLessThan(2_000);
		// The event whose handler asked for the stop finished; nothing after it was handled.
		assertThat(handled).containsExactly(0L, 1L, 2L);
		assertThat(this.store.load("client-thread-self-stop")).contains(Checkpoint.ofRevision(2));
	}

}
