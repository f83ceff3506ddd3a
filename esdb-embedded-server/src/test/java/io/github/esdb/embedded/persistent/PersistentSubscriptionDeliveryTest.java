package io.github.esdb.embedded.persistent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.esdb.embedded.TestServer;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ReplayParkedMessagesOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.SubscriptionFilter;

import static io.github.esdb.embedded.persistent.PersistentTestSupport.append;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.await;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.event;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delivery through the official client: strategies, acks, nacks, retries, timeouts, parking and replay. */
class PersistentSubscriptionDeliveryTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	private PersistentSubscriptionToStreamInfo info(String stream, String group) throws Exception {
		return await(server.persistent().getInfoToStream(stream, group)).orElseThrow();
	}

	private void awaitConnections(String stream, String group, int count) {
		await().atMost(PersistentTestSupport.WAIT)
			.untilAsserted(() -> assertThat(info(stream, group).getConnections()).hasSize(count));
	}

	@Test
	void eventsCreatedBeforeConnectingAreDeliveredFromEnd() throws Exception {
		String stream = unique("end");
		append(server.client(), stream, 2);
		await(server.persistent().createToStream(stream, "g"));
		append(server.client(), stream, 3);
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", recorder));
		List<PersistentTestSupport.Delivery> deliveries = recorder.next(3);
		assertThat(deliveries).extracting(PersistentTestSupport.Delivery::revision).containsExactly(2L, 3L, 4L);
		assertThat(deliveries).extracting(PersistentTestSupport.Delivery::retryCount).containsOnly(0);
		recorder.assertQuiet(Duration.ofMillis(200));
	}

	@Test
	void competingConsumersShareEventsRoundRobin() throws Exception {
		String stream = unique("rr");
		await(server.persistent().createToStream(stream, "g"));
		PersistentTestSupport.Recorder a = new PersistentTestSupport.Recorder(true);
		PersistentTestSupport.Recorder b = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", a));
		await(server.persistent().subscribeToStream(stream, "g", b));
		awaitConnections(stream, "g", 2);
		append(server.client(), stream, 10);
		await().atMost(PersistentTestSupport.WAIT).until(() -> a.deliveries.size() + b.deliveries.size() == 10);
		assertThat(a.deliveries).hasSize(5);
		assertThat(b.deliveries).hasSize(5);
		Set<Long> revisions = new HashSet<>();
		a.deliveries.forEach((d) -> revisions.add(d.revision()));
		b.deliveries.forEach((d) -> revisions.add(d.revision()));
		assertThat(revisions).hasSize(10);
		await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> {
			PersistentSubscriptionToStreamInfo info = info(stream, "g");
			assertThat(info.getStats().getTotalItems()).isEqualTo(10);
			assertThat(info.getStats().getTotalInFlightMessages()).isZero();
			assertThat(info.getConnections()).extracting((c) -> c.getTotalItems()).containsExactly(5L, 5L);
		});
	}

	@Test
	void bufferSizeLimitsInFlightEventsPerConnection() throws Exception {
		String stream = unique("window");
		await(server.persistent().createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()));
		append(server.client(), stream, 10);
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(false);
		PersistentSubscription subscription = await(server.persistent().subscribeToStream(stream, "g",
				SubscribePersistentSubscriptionOptions.get().bufferSize(3), recorder));
		List<PersistentTestSupport.Delivery> first = recorder.next(3);
		recorder.assertQuiet(Duration.ofMillis(300));
		PersistentSubscriptionToStreamInfo info = info(stream, "g");
		assertThat(info.getConnections().get(0).getInFlightMessages()).isEqualTo(3);
		assertThat(info.getConnections().get(0).getAvailableSlots()).isZero();
		assertThat(info.getStats().getOutstandingMessagesCount()).isEqualTo(3);
		subscription.ack(first.get(0).event());
		assertThat(recorder.next().revision()).isEqualTo(3L);
		subscription.stop();
	}

	@Test
	void nackActionsRetryParkSkipAndStop() throws Exception {
		String stream = unique("nack");
		await(server.persistent().createToStream(stream, "g",
				CreatePersistentSubscriptionToStreamOptions.get().fromStart().maxRetryCount(2)));
		append(server.client(), stream, 5);
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(false);
		PersistentSubscription subscription = await(server.persistent().subscribeToStream(stream, "g", recorder));
		List<PersistentTestSupport.Delivery> first = recorder.next(5);
		assertThat(first).extracting(PersistentTestSupport.Delivery::revision).containsExactly(0L, 1L, 2L, 3L, 4L);

		subscription.nack(NackAction.Skip, "skip", first.get(1).event());
		subscription.nack(NackAction.Park, "park", first.get(2).event());
		subscription.ack(first.get(3).event());
		subscription.nack(NackAction.Stop, "stop", first.get(4).event());
		subscription.nack(NackAction.Retry, "retry", first.get(0).event());
		PersistentTestSupport.Delivery retried = recorder.next();
		assertThat(retried.revision()).isZero();
		assertThat(retried.retryCount()).isEqualTo(1);
		subscription.nack(NackAction.Unknown, "unknown", retried.event());
		PersistentTestSupport.Delivery again = recorder.next();
		assertThat(again.retryCount()).isEqualTo(2);
		// Retry count 2 reached the maximum: this nack parks it.
		subscription.nack(NackAction.Retry, "retry", again.event());
		recorder.assertQuiet(Duration.ofMillis(300));

		await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> {
			PersistentSubscriptionToStreamInfo info = info(stream, "g");
			assertThat(info.getStats().getParkedMessageCount()).isEqualTo(2);
			// Stop has no server-side action: revision 4 stays outstanding.
			assertThat(info.getStats().getTotalInFlightMessages()).isEqualTo(1);
			assertThat(info.getStats().getRetryBufferCount()).isZero();
		});
		String parkedStream = "$persistentsubscription-" + stream + "::g-parked";
		List<RecordedEvent> parked = await(server.client().readStream(parkedStream,
				ReadStreamOptions.get().fromStart().notResolveLinkTos()))
			.getEvents()
			.stream()
			.map(ResolvedEvent::getOriginalEvent)
			.toList();
		assertThat(parked).extracting(RecordedEvent::getEventType).containsOnly("$>");
		assertThat(parked).extracting((e) -> new String(e.getEventData(), StandardCharsets.UTF_8))
			.containsExactly("2@" + stream, "0@" + stream);

		// Replay only the first parked event (stop-at is exclusive), then the rest.
		await(server.persistent().replayParkedMessagesToStream(stream, "g", ReplayParkedMessagesOptions.get().stopAt(1)));
		PersistentTestSupport.Delivery replayed = recorder.next();
		assertThat(replayed.event().getEvent().getRevision()).isEqualTo(2L);
		assertThat(replayed.event().getEvent().getStreamId()).isEqualTo(stream);
		assertThat(replayed.event().getLink().getStreamId()).isEqualTo(parkedStream);
		assertThat(replayed.retryCount()).isZero();
		recorder.assertQuiet(Duration.ofMillis(200));
		assertThat(info(stream, "g").getStats().getParkedMessageCount()).isEqualTo(1);
		subscription.ack(replayed.event());

		await(server.persistent().replayParkedMessagesToStream(stream, "g"));
		PersistentTestSupport.Delivery last = recorder.next();
		assertThat(last.event().getEvent().getRevision()).isZero();
		subscription.ack(last.event());
		await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> {
			PersistentSubscriptionToStreamInfo info = info(stream, "g");
			assertThat(info.getStats().getParkedMessageCount()).isZero();
			assertThat(info.getStats().getTotalInFlightMessages()).isEqualTo(1);
		});
		subscription.stop();

		// The consumer that was asked to stop went: its outstanding event goes to the next consumer as a retry.
		PersistentTestSupport.Recorder next = new PersistentTestSupport.Recorder(false);
		PersistentSubscription resumed = await(server.persistent().subscribeToStream(stream, "g", next));
		PersistentTestSupport.Delivery redelivered = next.next();
		assertThat(redelivered.revision()).isEqualTo(4L);
		assertThat(redelivered.retryCount()).isEqualTo(1);
		resumed.ack(redelivered.event());
		next.assertQuiet(Duration.ofMillis(200));
		resumed.stop();
	}

	@Test
	void unackedEventIsRetriedAfterMessageTimeout() throws Exception {
		Duration timeout = Duration.ofMillis(300);
		String stream = unique("timeout");
		await(server.persistent().createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get()
			.fromStart()
			.messageTimeoutInMs((int) timeout.toMillis())));
		append(server.client(), stream, 1);
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(false);
		// The server cannot send the event before it has the subscription request, so its timeout starts after
		// this instant. (Timing from when the test saw the first delivery counted that delivery's latency against
		// the timeout: on a loaded machine the retry then looked early and the test failed.)
		long subscribing = System.nanoTime();
		PersistentSubscription subscription = await(server.persistent().subscribeToStream(stream, "g", recorder));
		PersistentTestSupport.Delivery first = recorder.next();
		PersistentTestSupport.Delivery second = recorder.next();
		assertThat(first.retryCount()).isZero();
		assertThat(Duration.ofNanos(second.receivedNanos() - subscribing)).isGreaterThanOrEqualTo(timeout);
		assertThat(second.revision()).isEqualTo(first.revision());
		assertThat(second.retryCount()).isEqualTo(1);

		subscription.ack(second.event());
		// Once the server has the ack nothing is in flight, and nothing is sent again for well past the timeout.
		// The send count comes from the server: if the ack was slow and crossed another retry, that retry counts
		// as sent before the ack and must reach the client, instead of failing a fixed-length quiet period.
		await().atMost(PersistentTestSupport.WAIT)
			.untilAsserted(() -> assertThat(info(stream, "g").getStats().getTotalInFlightMessages()).isZero());
		long sent = info(stream, "g").getStats().getTotalItems();
		await().during(timeout.multipliedBy(2))
			.atMost(timeout.multipliedBy(2).plus(PersistentTestSupport.WAIT))
			.untilAsserted(() -> {
				PersistentSubscriptionToStreamInfo info = info(stream, "g");
				assertThat(info.getStats().getTotalItems()).isEqualTo(sent);
				assertThat(info.getStats().getTotalInFlightMessages()).isZero();
				assertThat(info.getStats().getRetryBufferCount()).isZero();
			});
		await().atMost(PersistentTestSupport.WAIT).until(() -> 2 + recorder.deliveries.size() == sent);
		assertThat(recorder.deliveries).allSatisfy((retry) -> {
			assertThat(retry.revision()).isEqualTo(first.revision());
			assertThat(retry.retryCount()).isGreaterThan(1);
		});
		subscription.stop();
	}

	@Test
	void pinnedSendsAStreamToOneConsumer() throws Exception {
		String stream = unique("pinned");
		await(server.persistent().createToStream(stream, "g",
				CreatePersistentSubscriptionToStreamOptions.get().namedConsumerStrategy(NamedConsumerStrategy.PINNED)));
		PersistentTestSupport.Recorder a = new PersistentTestSupport.Recorder(true);
		PersistentTestSupport.Recorder b = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", a));
		await(server.persistent().subscribeToStream(stream, "g", b));
		awaitConnections(stream, "g", 2);
		append(server.client(), stream, 6);
		await().atMost(PersistentTestSupport.WAIT).until(() -> a.deliveries.size() + b.deliveries.size() == 6);
		assertThat(List.of(a.deliveries.size(), b.deliveries.size())).containsExactlyInAnyOrder(0, 6);
	}

	@Test
	void pinnedByCorrelationKeepsACorrelationOnOneConsumer() throws Exception {
		String stream = unique("corr");
		await(server.persistent().createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get()
			.namedConsumerStrategy(NamedConsumerStrategy.PINNED_BY_CORRELATION)));
		PersistentTestSupport.Recorder a = new PersistentTestSupport.Recorder(true);
		PersistentTestSupport.Recorder b = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", a));
		await(server.persistent().subscribeToStream(stream, "g", b));
		awaitConnections(stream, "g", 2);
		List<EventData> events = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			String correlation = (i % 2 == 0) ? "order-1" : "order-2";
			events.add(EventData.builderAsJson("test-event", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))
				.metadataAsBytes(("{\"$correlationId\":\"" + correlation + "\"}").getBytes(StandardCharsets.UTF_8))
				.build());
		}
		await(server.client().appendToStream(stream, events.iterator()));
		await().atMost(PersistentTestSupport.WAIT).until(() -> a.deliveries.size() + b.deliveries.size() == 8);
		Map<String, Set<PersistentTestSupport.Recorder>> consumers = new HashMap<>();
		for (PersistentTestSupport.Recorder recorder : List.of(a, b)) {
			for (PersistentTestSupport.Delivery delivery : recorder.deliveries) {
				String metadata = new String(delivery.event().getEvent().getUserMetadata(), StandardCharsets.UTF_8);
				consumers.computeIfAbsent(metadata, (k) -> new HashSet<>()).add(recorder);
			}
		}
		assertThat(consumers).hasSize(2);
		consumers.values().forEach((set) -> assertThat(set).hasSize(1));
		// The two correlations are spread over the two consumers.
		assertThat(a.deliveries).hasSize(4);
		assertThat(b.deliveries).hasSize(4);
	}

	@Test
	void allGroupWithFilterDeliversMatchingEventsOnly() throws Exception {
		String prefix = unique("allf") + "-";
		String group = unique("all-group");
		await(server.persistent().createToAll(group, CreatePersistentSubscriptionToAllOptions.get()
			.fromStart()
			.filter(SubscriptionFilter.newBuilder().addStreamNamePrefix(prefix).build())));
		append(server.client(), prefix + "a", 2);
		append(server.client(), unique("other"), 3);
		await(server.client().appendToStream(prefix + "b", event("test-event", "{\"n\":9}")));
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		PersistentSubscription subscription = await(server.persistent().subscribeToAll(group, recorder));
		assertThat(subscription.getSubscriptionId()).isEqualTo("$all::" + group);
		List<PersistentTestSupport.Delivery> deliveries = recorder.next(3);
		assertThat(deliveries).extracting((d) -> d.event().getOriginalEvent().getStreamId())
			.containsExactly(prefix + "a", prefix + "a", prefix + "b");
		assertThat(deliveries.get(2).event().getPosition()).isPresent();
		recorder.assertQuiet(Duration.ofMillis(200));
		await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> {
			PersistentSubscriptionToAllInfo info = await(server.persistent().getInfoToAll(group)).orElseThrow();
			assertThat(info.getStats().getLastKnownEventPosition()).isPresent();
			assertThat(info.getStats().getLastKnownEventPosition().get().getCommitUnsigned())
				.isEqualTo(deliveries.get(2).event().getPosition().get().getCommitUnsigned());
			assertThat(info.getStats().getTotalItems()).isEqualTo(3);
		});
		subscription.stop();
	}

}
