package io.github.esdb.embedded;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The system projections through the official client: {@code $ce-}, {@code $et-}, {@code $category-} and
 * {@code $streams} are written like a real node writes them and resolve through reads, catch-up subscriptions (stream
 * and filtered {@code $all}) and persistent groups.
 */
class SystemProjectionsTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	private final ObjectMapper json = new ObjectMapper();

	/** A category of its own per test: the server is shared. */
	private static String category() {
		return "cat" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	private List<ResolvedEvent> read(String stream, boolean resolveLinks) throws Exception {
		ReadStreamOptions options = ReadStreamOptions.get().forwards().fromStart();
		if (resolveLinks) {
			options.resolveLinkTos();
		}
		return server.client().readStream(stream, options).get(30, TimeUnit.SECONDS).getEvents();
	}

	private JsonNode metadata(RecordedEvent event) throws Exception {
		return this.json.readTree(event.getUserMetadata());
	}

	private static String data(RecordedEvent event) {
		return new String(event.getEventData(), StandardCharsets.UTF_8);
	}

	@Test
	void categoryLinksPointAtEachEventWithTheRealNodesMetadata() throws Exception {
		String category = category();
		String stream = category + "-1";
		EventData placed = TestSupport.json("OrderPlaced", "{\"n\":1}");
		EventData paid = EventData.builderAsJson("OrderPaid", "{\"n\":2}".getBytes(StandardCharsets.UTF_8))
			.metadataAsBytes("{\"$correlationId\":\"corr-7\"}".getBytes(StandardCharsets.UTF_8))
			.build();
		server.client().appendToStream(stream, placed, paid).get(30, TimeUnit.SECONDS);

		List<ResolvedEvent> links = read("$ce-" + category, false);
		assertThat(links).extracting((e) -> e.getEvent().getEventType()).containsExactly("$>", "$>");
		assertThat(links).extracting((e) -> data(e.getEvent())).containsExactly("0@" + stream, "1@" + stream);
		List<ResolvedEvent> originals = read(stream, false);
		for (int i = 0; i < 2; i++) {
			JsonNode metadata = metadata(links.get(i).getEvent());
			RecordedEvent source = originals.get(i).getEvent();
			assertThat(metadata.get("$v").asText()).isEqualTo("3:-1:1:4");
			assertThat(metadata.get("$c").asLong()).isEqualTo(source.getPosition().getCommitUnsigned());
			assertThat(metadata.get("$p").asLong()).isEqualTo(source.getPosition().getPrepareUnsigned());
			assertThat(metadata.get("$o").asText()).isEqualTo(stream);
			assertThat(metadata.get("$causedBy").asText()).isEqualTo(source.getEventId().toString());
			// The links come right after their events in the log.
			assertThat(links.get(i).getEvent().getPosition().getCommitUnsigned())
				.isGreaterThan(source.getPosition().getCommitUnsigned());
		}
		assertThat(metadata(links.get(0).getEvent()).has("$correlationId")).isFalse();
		assertThat(metadata(links.get(1).getEvent()).get("$correlationId").asText()).isEqualTo("corr-7");

		List<ResolvedEvent> resolved = read("$ce-" + category, true);
		assertThat(resolved).extracting((e) -> e.getEvent().getEventType()).containsExactly("OrderPlaced", "OrderPaid");
		assertThat(resolved).extracting((e) -> e.getEvent().getStreamId()).containsOnly(stream);
		assertThat(resolved).extracting((e) -> e.getLink().getStreamId()).containsOnly("$ce-" + category);
	}

	@Test
	void eventTypeStreamsAndStreamCategoriesAndStreamsListAreWritten() throws Exception {
		String category = category();
		String type = "Placed" + category;
		server.client().appendToStream(category + "-a", TestSupport.json(type, "{}")).get(30, TimeUnit.SECONDS);
		server.client().appendToStream(category + "-b", TestSupport.json(type, "{}"), TestSupport.json(type, "{}"))
			.get(30, TimeUnit.SECONDS);

		List<ResolvedEvent> byType = read("$et-" + type, false);
		assertThat(byType).extracting((e) -> data(e.getEvent()))
			.containsExactly("0@" + category + "-a", "0@" + category + "-b", "1@" + category + "-b");
		JsonNode metadata = metadata(byType.get(0).getEvent());
		assertThat(metadata.get("$v").asText()).isEqualTo("4:-1:1:4");
		assertThat(metadata.has("$o")).isFalse();
		assertThat(read("$et-" + type, true)).extracting((e) -> e.getEvent().getStreamId())
			.containsExactly(category + "-a", category + "-b", category + "-b");

		// One stream reference ($@, data = the stream name) per new stream of the category.
		List<ResolvedEvent> streams = read("$category-" + category, false);
		assertThat(streams).extracting((e) -> e.getEvent().getEventType()).containsOnly("$@");
		assertThat(streams).extracting((e) -> data(e.getEvent())).containsExactly(category + "-a", category + "-b");
		assertThat(metadata(streams.get(0).getEvent()).get("$v").asText()).isEqualTo("2:-1:1:4");

		// $streams: one link to the first event of every new stream.
		List<ResolvedEvent> all = server.client()
			.readStream("$streams", ReadStreamOptions.get().backwards().fromEnd().maxCount(10))
			.get(30, TimeUnit.SECONDS)
			.getEvents();
		assertThat(all).extracting((e) -> data(e.getEvent()))
			.contains("0@" + category + "-a", "0@" + category + "-b");
		assertThat(metadata(all.get(0).getEvent()).get("$v").asText()).isEqualTo("1:-1:1:4");
	}

	@Test
	void systemStreamsLinksAndStreamsWithoutSeparatorAreLeftOutLikeOnARealNode() throws Exception {
		String category = category();
		server.client().appendToStream("$" + category + "-x", TestSupport.json("SystemThing", "{}"))
			.get(30, TimeUnit.SECONDS);
		server.client().appendToStream(category, TestSupport.json("NoSeparator" + category, "{}"))
			.get(30, TimeUnit.SECONDS);
		// A link written by a user into a user stream: $ce- points at the link's own target, $et- skips it.
		server.client().appendToStream(category + "-target", TestSupport.json("Target", "{}")).get(30, TimeUnit.SECONDS);
		EventData link = EventData.builderAsBinary("$>", ("0@" + category + "-target").getBytes(StandardCharsets.UTF_8))
			.build();
		server.client().appendToStream(category + "-links", link).get(30, TimeUnit.SECONDS);

		assertThat(TestSupport.cause(catchThrowable(() -> read("$ce-$" + category, false))))
			.isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
		assertThat(TestSupport.cause(catchThrowable(() -> read("$et-SystemThing", false))))
			.isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
		// Without a separator there is no category, but the event type is indexed.
		assertThat(read("$et-NoSeparator" + category, false)).hasSize(1);
		assertThat(read("$ce-" + category, false)).extracting((e) -> data(e.getEvent()))
			.containsExactly("0@" + category + "-target", "0@" + category + "-target");
		assertThat(metadata(read("$ce-" + category, false).get(1).getEvent()).get("$o").asText())
			.isEqualTo(category + "-links");
	}

	@Test
	void deletionsAndMetadataAreIndexedAsTheRealHandlersDo() throws Exception {
		String category = category();
		String soft = category + "-soft";
		String hard = category + "-hard";
		server.client().appendToStream(soft, TestSupport.json("Created", "{}")).get(30, TimeUnit.SECONDS);
		server.client().appendToStream(hard, TestSupport.json("Created", "{}")).get(30, TimeUnit.SECONDS);
		server.client().setStreamMetadata(soft, metadataWithMaxCount()).get(30, TimeUnit.SECONDS);
		server.client().deleteStream(soft, DeleteStreamOptions.get()).get(30, TimeUnit.SECONDS);
		server.client().tombstoneStream(hard, DeleteStreamOptions.get()).get(30, TimeUnit.SECONDS);

		List<ResolvedEvent> ce = read("$ce-" + category, false);
		assertThat(ce).extracting((e) -> data(e.getEvent()))
			.containsExactly("0@" + soft, "0@" + hard, "1@$$" + soft, Long.MAX_VALUE + "@" + hard);
		JsonNode softDeleted = metadata(ce.get(2).getEvent());
		assertThat(softDeleted.get("$o").asText()).isEqualTo(soft);
		assertThat(softDeleted.get("$deleted").asInt()).isEqualTo(-1);
		assertThat(metadata(ce.get(3).getEvent()).get("$deleted").asInt()).isEqualTo(-1);
		assertThat(metadata(ce.get(0).getEvent()).has("$deleted")).isFalse();

		// The metadata write is indexed under $et-$metadata, the deletions under $et-$deleted.
		assertThat(server.client()
			.readStream("$et-$metadata", ReadStreamOptions.get().backwards().fromEnd().maxCount(50))
			.get(30, TimeUnit.SECONDS)
			.getEvents()).extracting((e) -> data(e.getEvent())).contains("0@" + soft);
		assertThat(server.client()
			.readStream("$et-$deleted", ReadStreamOptions.get().backwards().fromEnd().maxCount(50))
			.get(30, TimeUnit.SECONDS)
			.getEvents()).extracting((e) -> data(e.getEvent())).contains("1@" + soft, Long.MAX_VALUE + "@" + hard);
	}

	private static StreamMetadata metadataWithMaxCount() {
		StreamMetadata metadata = new StreamMetadata();
		metadata.setMaxCount(100L);
		return metadata;
	}

	@Test
	void aCatchUpSubscriptionToTheCategoryWithResolveLinksReceivesTheEvents() throws Exception {
		String category = category();
		server.client().appendToStream(category + "-1", TestSupport.json("Before", "{\"n\":0}")).get(30, TimeUnit.SECONDS);
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		server.client()
			.subscribeToStream("$ce-" + category, recorder, SubscribeToStreamOptions.get().fromStart().resolveLinkTos())
			.get(30, TimeUnit.SECONDS);
		server.client().appendToStream(category + "-2", TestSupport.json("After", "{\"n\":1}")).get(30, TimeUnit.SECONDS);

		await().atMost(TestSupport.WAIT).until(() -> recorder.events.size() == 2);
		assertThat(recorder.events).extracting((e) -> e.getEvent().getEventType()).containsExactly("Before", "After");
		assertThat(recorder.events).extracting((e) -> e.getOriginalEvent().getStreamId()).containsOnly("$ce-" + category);
		assertThat(recorder.caughtUp).isTrue();
	}

	@Test
	void aFilteredAllSubscriptionSeesTheLinksResolved() throws Exception {
		String category = category();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		server.client()
			.subscribeToAll(recorder,
					SubscribeToAllOptions.get()
						.fromEnd()
						.resolveLinkTos()
						.filter(SubscriptionFilter.newBuilder()
							// Client 1.1.0 sends a prefix as a regex, where '$' is an anchor: escape it.
							.withStreamNameRegularExpression("^\\$ce-" + category)
							.build()))
			.get(30, TimeUnit.SECONDS);
		server.client().appendToStream(category + "-1", TestSupport.json("Placed", "{}")).get(30, TimeUnit.SECONDS);

		await().atMost(TestSupport.WAIT).until(() -> recorder.events.size() == 1);
		ResolvedEvent event = recorder.events.get(0);
		assertThat(event.getEvent().getStreamId()).isEqualTo(category + "-1");
		assertThat(event.getLink().getStreamId()).isEqualTo("$ce-" + category);
	}

	@Test
	void aPersistentGroupOnTheCategoryWithResolveLinksGetsTheEvents() throws Exception {
		String category = category();
		server.client().appendToStream(category + "-1", TestSupport.json("Placed", "{}"), TestSupport.json("Paid", "{}"))
			.get(30, TimeUnit.SECONDS);
		server.persistent()
			.createToStream("$ce-" + category, "g",
					CreatePersistentSubscriptionToStreamOptions.get().fromStart().resolveLinkTos())
			.get(30, TimeUnit.SECONDS);
		List<ResolvedEvent> received = new CopyOnWriteArrayList<>();
		PersistentSubscription subscription = server.persistent()
			.subscribeToStream("$ce-" + category, "g", new PersistentSubscriptionListener() {
				@Override
				public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
					received.add(event);
					subscription.ack(event);
				}
			})
			.get(30, TimeUnit.SECONDS);
		try {
			await().atMost(TestSupport.WAIT).until(() -> received.size() == 2);
			assertThat(received).extracting((e) -> e.getEvent().getEventType()).containsExactly("Placed", "Paid");
			assertThat(received).extracting((e) -> e.getLink().getStreamId()).containsOnly("$ce-" + category);
		}
		finally {
			subscription.stop();
		}
	}

	@Test
	void noProjectionsWritesNoLinks() throws Exception {
		try (EmbeddedEsdbServer none = EmbeddedEsdbServer.builder().projections(ProjectionsMode.NONE).build().start()) {
			io.kurrent.dbclient.KurrentDBClient client = TestSupport.client(none.connectionString());
			try {
				client.appendToStream("order-1", TestSupport.json("Placed", "{}")).get(30, TimeUnit.SECONDS);
				assertThat(TestSupport.cause(catchThrowable(() -> client
					.readStream("$ce-order", ReadStreamOptions.get())
					.get(30, TimeUnit.SECONDS))))
					.isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
				assertThat(none.store().streamInfo("$streams").lastRevision()).isEqualTo(-1);
			}
			finally {
				client.shutdown().get(30, TimeUnit.SECONDS);
			}
		}
	}

	private static Throwable catchThrowable(ThrowingCall call) {
		try {
			call.run();
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	@FunctionalInterface
	private interface ThrowingCall {

		void run() throws Exception;

	}

}
