package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.PersistentSettings;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acks of a persistent subscription go out in batches, through the official client to the embedded server: held
 * while few and recent, sent when enough wait, before a nack, and when the subscription stops; nothing handled is
 * delivered again after a graceful stop.
 */
class AckBatchingTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	private final KurrentDBPersistentSubscriptionsClient groups = KurrentDBPersistentSubscriptionsClient
		.from(esdb.client());

	private void createGroup(String stream, String group) throws Exception {
		this.groups.createToStream(stream, group, CreatePersistentSubscriptionToStreamOptions.get().fromStart())
			.get(10, TimeUnit.SECONDS);
	}

	private PersistentSubscriptionToStreamInfo info(String stream, String group) throws Exception {
		return this.groups.getInfoToStream(stream, group).get(10, TimeUnit.SECONDS).orElseThrow();
	}

	/**
	 * A raw consumer of a new group "g" that only collects what the server delivers (nothing acked), once
	 * {@code count} events arrived.
	 * @param subscription the subscribe call
	 * @param received the events, in delivery order
	 * @param deliveredOn the subscription the client passed to the listener
	 */
	private record Consumer(PersistentSubscription subscription, List<ResolvedEvent> received,
			AtomicReference<PersistentSubscription> deliveredOn) {
	}

	private Consumer consume(String stream, int count) throws Exception {
		createGroup(stream, "g");
		List<ResolvedEvent> received = new CopyOnWriteArrayList<>();
		AtomicReference<PersistentSubscription> deliveredOn = new AtomicReference<>();
		PersistentSubscription subscription = this.groups
			.subscribeToStream(stream, "g", SubscribePersistentSubscriptionOptions.get().bufferSize(20),
					new PersistentSubscriptionListener() {

						@Override
						public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
							deliveredOn.set(subscription);
							received.add(event);
						}

					})
			.get(10, TimeUnit.SECONDS);
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == count);
		}
		catch (RuntimeException | Error ex) {
			subscription.stop();
			throw ex;
		}
		return new Consumer(subscription, received, deliveredOn);
	}

	@Test
	void holdsAcksUntilEnoughWaitAndSendsThemBeforeANack() throws Exception {
		String stream = "acks-held-" + System.nanoTime();
		esdb.appendTicks(stream, 8);
		Consumer consumer = consume(stream, 8);
		PersistentSubscription subscription = consumer.subscription();
		List<ResolvedEvent> received = consumer.received();
		AtomicReference<PersistentSubscription> call = consumer.deliveredOn();
		try {
			AtomicLong clock = new AtomicLong();
			AckBatcher acks = new AckBatcher("held", 5, TimeUnit.MILLISECONDS.toNanos(5), clock::get);
			for (int i = 0; i < 4; i++) {
				acks.ack(subscription, received.get(i), 0);
			}
			// Four fast acks wait for a fifth: none reached the server.
			assertThat(acks.pending()).isEqualTo(4);
			assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isEqualTo(8);

			// A nack sends the waiting acks first: all five outcomes reach the server, none is lost.
			acks.nack(subscription, NackAction.Park, "poison", received.get(4));
			assertThat(acks.pending()).isZero();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				PersistentSubscriptionToStreamInfo info = info(stream, "g");
				assertThat(info.getStats().getTotalInFlightMessages()).isEqualTo(3);
				assertThat(info.getStats().getParkedMessageCount()).isEqualTo(1);
			});

			// The fifth waiting ack sends the batch; a slow handler's ack goes at once; an old one at the next ack.
			acks.ack(subscription, received.get(5), 0);
			assertThat(acks.pending()).isEqualTo(1);
			acks.ack(subscription, received.get(6), TimeUnit.MILLISECONDS.toNanos(50));
			assertThat(acks.pending()).isZero();
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isEqualTo(1));
			clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
			acks.ack(subscription, received.get(7), 0);
			assertThat(acks.pending()).isEqualTo(1);
			assertThat(acks.flush()).isEqualTo(1);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isZero());
			assertThat(call.get()).isSameAs(subscription);
		}
		finally {
			subscription.stop();
		}
	}

	@Test
	void acksWaitingWhileTheWorkerIdlesGoOutOnceTheyAreDue() throws Exception {
		String stream = "acks-due-" + System.nanoTime();
		esdb.appendTicks(stream, 2);
		Consumer consumer = consume(stream, 2);
		PersistentSubscription subscription = consumer.subscription();
		List<ResolvedEvent> received = consumer.received();
		try {
			AtomicLong clock = new AtomicLong();
			AckBatcher acks = new AckBatcher("due", 5, TimeUnit.MILLISECONDS.toNanos(5), clock::get);
			assertThat(acks.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
			acks.ack(subscription, received.get(0), 0);
			clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
			acks.ack(subscription, received.get(1), 0);
			// Not due yet: the worker waits 3 ms more for other acks to share the message.
			assertThat(acks.nanosUntilDue()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(3));
			assertThat(acks.flushIfDue()).isZero();
			assertThat(acks.pending()).isEqualTo(2);
			clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(3));
			assertThat(acks.nanosUntilDue()).isZero();
			assertThat(acks.flushIfDue()).isEqualTo(2);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isZero());
		}
		finally {
			subscription.stop();
		}
	}

	@ParameterizedTest
	@EnumSource(HandlerThread.class)
	void aRunningSubscriptionAcksFewerEventsThanABatchWithoutStopping(HandlerThread handlerThread) throws Exception {
		String stream = "acks-idle-" + System.nanoTime();
		// Fewer than half the buffer: no ack batch fills, the worker runs out of events and must still send them.
		esdb.appendTicks(stream, 3);
		createGroup(stream, "g");
		List<Long> handled = new CopyOnWriteArrayList<>();
		SubscriptionContainer container = container(stream, handlerThread, handled::add);
		container.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 3);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isZero());
			assertThat(container.isRunning()).isTrue();
		}
		finally {
			container.stop(Duration.ofSeconds(10));
		}
	}

	@ParameterizedTest
	@EnumSource(HandlerThread.class)
	void aGracefulStopSendsTheAcksThatWait(HandlerThread handlerThread) throws Exception {
		String stream = "acks-stop-" + System.nanoTime();
		esdb.appendTicks(stream, 10);
		createGroup(stream, "g");
		List<Long> first = new CopyOnWriteArrayList<>();
		AtomicReference<SubscriptionContainer> self = new AtomicReference<>();
		SubscriptionContainer container = container(stream, handlerThread, (revision) -> {
			first.add(revision);
			if (revision == 4) {
				// Stops in the middle of a batch: the acks of 0..4 may still wait when the worker ends.
				self.get().requestStop();
			}
		});
		self.set(container);
		container.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> first.contains(4L));
		assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		assertThat(first).startsWith(0L, 1L, 2L, 3L, 4L);

		List<Long> second = new CopyOnWriteArrayList<>();
		SubscriptionContainer next = container(stream, handlerThread, second::add);
		next.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> second.containsAll(List.of(5L, 6L, 7L, 8L, 9L)));
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isZero());
		}
		finally {
			next.stop(Duration.ofSeconds(10));
		}
		// Everything the first consumer handled was acked before it went: the server sends none of it again.
		assertThat(second).doesNotContainAnyElementsOf(first);
	}

	@Test
	void anAckDueWhileTheNextHandlerRunsOnTheClientsThreadGoesOutWithoutWaitingForIt() throws Exception {
		String stream = "acks-busy-" + System.nanoTime();
		// Events before the slow one warm the handler's path up: the ack of 20 then waits (< 5 ms of handling)
		// when the handler of 21, delivered right behind it, begins.
		esdb.appendTicks(stream, 22);
		createGroup(stream, "g");
		CountDownLatch release = new CountDownLatch(1);
		List<Long> handled = new CopyOnWriteArrayList<>();
		SubscriptionContainer container = container(stream, HandlerThread.CLIENT, (revision) -> {
			handled.add(revision);
			if (revision == 21) {
				// A slow handler: the worker is free and must not hold the finished event's ack until it returns.
				release.await(30, TimeUnit.SECONDS);
			}
		});
		container.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(21L));
			// Event 20 was handled and its ack is due 5 ms later: only event 21 stays in flight.
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isEqualTo(1));
		}
		finally {
			release.countDown();
			container.stop(Duration.ofSeconds(10));
		}
	}

	private SubscriptionContainer container(String stream, HandlerThread handlerThread, RevisionHandler handler) {
		return DefaultSubscriptionContainerFactory.builder()
			.persistentHandlerThread(handlerThread)
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> new InMemoryCheckpointStore())
			.persistentGroups(false, 20)
			.build()
			.create(SubscriptionEndpoint.persistent("acks-" + stream, stream, "g")
				.persistentSettings(PersistentSettings.DEFAULTS)
				.handler((event, context) -> handler.handle(context.revision()))
				.build());
	}

	interface RevisionHandler {

		void handle(long revision) throws Exception;

	}

}
