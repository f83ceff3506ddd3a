package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.cause;
import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.WrongExpectedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests at the edges, answered as the real node answers them: writes to a stream named {@code $all}, a 1 MiB
 * stream name, and negative counts the official client lets through.
 */
class EdgeCaseRequestsTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	@RegisterExtension
	static final TestServer secure = new TestServer((builder) -> builder.user("admin", "changeit"));

	private static final long SECONDS = TestSupport.WAIT.toSeconds();

	// ------------------------------------------------------------------ $all

	@Test
	void writesAndDeletesOfAllAreDeniedOnASecureNodeEvenForTheAdmin() throws Exception {
		KurrentDBClient admin = TestSupport.client(secure.embedded().connectionString("admin", "changeit"));
		try {
			assertAccessDenied(admin.appendToStream("$all", json("E", "{}")));
			assertAccessDenied(admin.deleteStream("$all"));
			assertAccessDenied(admin.tombstoneStream("$all"));
			assertThatThrownBy(() -> admin
				.multiStreamAppend(List.of(new AppendStreamRequest("$all", List.of(json("E", "{}")).iterator(),
						StreamState.any())).iterator())
				.get(SECONDS, TimeUnit.SECONDS))
				.satisfies((t) -> assertThat(((StatusRuntimeException) cause(t)).getStatus().getCode())
					.isEqualTo(Status.Code.PERMISSION_DENIED));
			assertThat(secure.store().streamInfo("$all").lastRevision()).isEqualTo(-1);
			// Every other stream is writable, system streams included.
			admin.appendToStream("$custom-system", json("E", "{}")).get(SECONDS, TimeUnit.SECONDS);
		}
		finally {
			admin.shutdown().join();
		}
	}

	@Test
	void anInsecureNodeChecksNoAccessSoAppendingToAllWritesAStreamNamedAll() throws Exception {
		server.client().appendToStream("$all", json("E", "{\"n\":1}")).get(SECONDS, TimeUnit.SECONDS);
		List<ResolvedEvent> events = server.client()
			.readStream("$all", ReadStreamOptions.get())
			.get(SECONDS, TimeUnit.SECONDS)
			.getEvents();
		assertThat(events).extracting((e) -> e.getEvent().getStreamId()).containsExactly("$all");
		assertThat(server.client().readAll(ReadAllOptions.get()).get(SECONDS, TimeUnit.SECONDS).getEvents())
			.extracting((e) -> e.getEvent().getStreamId())
			.contains("$all");
	}

	private static void assertAccessDenied(CompletableFuture<?> call) {
		assertThatThrownBy(() -> call.get(SECONDS, TimeUnit.SECONDS)).satisfies((t) -> {
			assertThat(cause(t)).isInstanceOf(StatusRuntimeException.class);
			StatusRuntimeException ex = (StatusRuntimeException) cause(t);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(ex.getTrailers().get(StreamsReadWriteTest.key("exception"))).isEqualTo("access-denied");
		});
	}

	// ------------------------------------------------------------------ 1 MiB stream name

	@Test
	void aOneMebibyteStreamNameIsAnOrdinaryStream() throws Exception {
		String stream = uniqueStream("huge");
		stream = stream + "x".repeat(1024 * 1024 - stream.length());
		assertThat(server.client()
			.appendToStream(stream, json("E", "{\"n\":0}"))
			.get(SECONDS, TimeUnit.SECONDS)
			.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(0));
		RecordedEvent read = server.client()
			.readStream(stream, ReadStreamOptions.get())
			.get(SECONDS, TimeUnit.SECONDS)
			.getEvents()
			.get(0)
			.getEvent();
		assertThat(read.getStreamId()).isEqualTo(stream);
		String finalStream = stream;
		assertThat(server.client().readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(10)).get(SECONDS, TimeUnit.SECONDS)
			.getEvents()).anySatisfy((e) -> assertThat(e.getEvent().getStreamId()).isEqualTo(finalStream));
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		Subscription subscription = server.client()
			.subscribeToStream(stream, recorder, SubscribeToStreamOptions.get().fromStart())
			.get(SECONDS, TimeUnit.SECONDS);
		await().atMost(TestSupport.WAIT).until(() -> recorder.events.size() == 1);
		subscription.stop();
		// A wrong expected version on append is a response message: the client reports it as usual.
		assertThatThrownBy(() -> server.client()
			.appendToStream(finalStream, AppendToStreamOptions.get().streamState(StreamState.streamRevision(7)),
					json("E", "{}"))
			.get(SECONDS, TimeUnit.SECONDS)).satisfies((t) -> assertThat(cause(t))
				.isInstanceOf(WrongExpectedVersionException.class));
		// Errors signalled with trailers carry the name (stream-name and the message), like the real node's: over the
		// client's 8 KiB metadata limit, so the client reports INTERNAL. The server keeps serving.
		assertThatThrownBy(() -> server.client()
			.deleteStream(finalStream, DeleteStreamOptions.get().streamRevision(7))
			.get(SECONDS, TimeUnit.SECONDS)).satisfies((t) -> assertThat(((StatusRuntimeException) cause(t))
				.getStatus()
				.getCode()).isEqualTo(Status.Code.INTERNAL));
		assertThat(server.client()
			.appendToStream(finalStream, json("E", "{\"n\":1}"))
			.get(SECONDS, TimeUnit.SECONDS)
			.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(1));
	}

	// ------------------------------------------------------------------ negative counts

	@Test
	void aNegativeMaxCountIsAHugeUnsignedCountSoReadsReturnEverything() throws Exception {
		String stream = uniqueStream("negative-count");
		server.client()
			.appendToStream(stream, json("E", "{\"n\":0}"), json("E", "{\"n\":1}"), json("E", "{\"n\":2}"))
			.get(SECONDS, TimeUnit.SECONDS);
		assertThat(server.client()
			.readStream(stream, ReadStreamOptions.get().maxCount(-5))
			.get(SECONDS, TimeUnit.SECONDS)
			.getEvents()).hasSize(3);
		assertThat(server.client()
			.readStream(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(-1))
			.get(SECONDS, TimeUnit.SECONDS)
			.getEvents()).extracting(TestSupport::body)
			.containsExactly("{\"n\":2}", "{\"n\":1}", "{\"n\":0}");
		long total = server.store().size();
		assertThat(server.client().readAll(ReadAllOptions.get().maxCount(-1)).get(SECONDS, TimeUnit.SECONDS).getEvents()
			.size()).isGreaterThanOrEqualTo((int) Math.min(total, 3));
	}

	@Test
	void aNegativeCheckpointMultiplierIsAcceptedAndCheckpointsEveryLiveRecordLikeTheRealNode() throws Exception {
		String prefix = uniqueStream("mult");
		server.client().appendToStream(prefix + "-a", json("E", "{}")).get(SECONDS, TimeUnit.SECONDS);
		List<Position> checkpoints = new CopyOnWriteArrayList<>();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		// Sent as uint32 4294967295: the real node's 32-bit interval is 2^32 - 32, i.e. -32 as the int its live
		// subscription uses, so every live record is followed by a checkpoint.
		Subscription subscription = server.client()
			.subscribeToAll(recorder, SubscribeToAllOptions.get()
				.fromStart()
				.filter(SubscriptionFilter.newBuilder()
					.addStreamNamePrefix(prefix)
					.withCheckpointer((sub, position) -> {
						checkpoints.add(position);
						return CompletableFuture.completedFuture(null);
					}, -1)
					.build()))
			.get(SECONDS, TimeUnit.SECONDS);
		await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
		assertThat(recorder.events).hasSize(1);
		long other = server.client()
			.appendToStream(uniqueStream("unrelated"), json("E", "{}"))
			.get(SECONDS, TimeUnit.SECONDS)
			.getLogPosition()
			.getCommitUnsigned();
		// The system projections' links follow the record; each of them gets its checkpoint too.
		await().atMost(TestSupport.WAIT)
			.until(() -> checkpoints.stream().anyMatch((checkpoint) -> checkpoint.getCommitUnsigned() == other));
		assertThat(recorder.cancelledCalled).isFalse();
		subscription.stop();
	}

	@Test
	void aNegativeFilterWindowIsAcceptedButItsCatchUpNeverAdvancesLikeOnTheRealNode() throws Exception {
		String prefix = uniqueStream("window");
		server.client().appendToStream(prefix + "-a", json("E", "{}")).get(SECONDS, TimeUnit.SECONDS);
		SubscriptionFilter filter = SubscriptionFilter.newBuilder().addStreamNamePrefix(prefix).withMaxWindow(-1).build();

		// From the start there is history: the real node's pages consider no record, so nothing ever arrives.
		TestSupport.Recorder stalled = new TestSupport.Recorder();
		Subscription first = server.client()
			.subscribeToAll(stalled, SubscribeToAllOptions.get().fromStart().filter(filter))
			.get(SECONDS, TimeUnit.SECONDS);
		// From the end there is nothing to catch up: it goes live at once.
		TestSupport.Recorder live = new TestSupport.Recorder();
		Subscription second = server.client()
			.subscribeToAll(live, SubscribeToAllOptions.get().fromEnd().filter(filter))
			.get(SECONDS, TimeUnit.SECONDS);
		await().atMost(TestSupport.WAIT).until(() -> live.caughtUp);
		server.client().appendToStream(prefix + "-b", json("E", "{}")).get(SECONDS, TimeUnit.SECONDS);
		await().atMost(TestSupport.WAIT).until(() -> live.events.size() == 1);
		// Events never reach a correct stalled subscription; load could only hide a wrong one, never invent it.
		Thread.sleep(300);
		assertThat(stalled.events).isEmpty();
		assertThat(stalled.caughtUp).isFalse();
		assertThat(stalled.cancelledCalled).isFalse();
		first.stop();
		second.stop();
	}

	@Test
	void persistentSettingsTheRealNodeAcceptsAreAccepted() throws Exception {
		String stream = uniqueStream("ps-negative");
		server.client().appendToStream(stream, json("E", "{\"n\":0}")).get(SECONDS, TimeUnit.SECONDS);
		// The real node only checks the strategy and read batch < history buffer.
		server.persistent()
			.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get()
				.fromStart()
				.readBatchSize(-1)
				.liveBufferSize(-1)
				.checkpointUpperBound(-1))
			.get(SECONDS, TimeUnit.SECONDS);
		List<String> bodies = new CopyOnWriteArrayList<>();
		PersistentSubscription subscription = server.persistent()
			.subscribeToStream(stream, "g", new PersistentSubscriptionListener() {
				@Override
				public void onEvent(PersistentSubscription s, int retryCount, ResolvedEvent event) {
					bodies.add(TestSupport.body(event));
					s.ack(event);
				}
			})
			.get(SECONDS, TimeUnit.SECONDS);
		await().atMost(TestSupport.WAIT).until(() -> bodies.size() == 1);
		// Live events still flow although the live buffer cannot hold any.
		server.client().appendToStream(stream, json("E", "{\"n\":1}")).get(SECONDS, TimeUnit.SECONDS);
		await().atMost(TestSupport.WAIT).until(() -> bodies.size() == 2);
		assertThat(bodies).containsExactly("{\"n\":0}", "{\"n\":1}");
		subscription.stop();
		// A history buffer below the read batch is the one thing refused.
		assertThatThrownBy(() -> server.persistent()
			.createToStream(stream, "h", CreatePersistentSubscriptionToStreamOptions.get().historyBufferSize(-1))
			.get(SECONDS, TimeUnit.SECONDS)).satisfies((t) -> {
				StatusRuntimeException ex = (StatusRuntimeException) cause(t);
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
				assertThat(ex.getTrailers().get(StreamsReadWriteTest.key("exception")))
					.isEqualTo("persistent-subscription-failed");
			});
	}

	@Test
	void aNegativeMaxSubscriberCountRefusesEverySubscriberLikeTheRealNode() throws Exception {
		String stream = uniqueStream("ps-max-subscribers");
		server.persistent()
			.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().maxSubscriberCount(-1))
			.get(SECONDS, TimeUnit.SECONDS);
		CompletableFuture<PersistentSubscription> subscribe = server.persistent()
			.subscribeToStream(stream, "g", new PersistentSubscriptionListener() {
			});
		ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
				() -> subscribe.get(SECONDS, TimeUnit.SECONDS));
		StatusRuntimeException ex = (StatusRuntimeException) failure.getCause();
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
		assertThat(ex.getTrailers().get(StreamsReadWriteTest.key("exception"))).isEqualTo("maximum-subscribers-reached");
	}

}
