package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.WriteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Catch-up subscriptions to streams and $all through the official client. */
class CatchUpSubscriptionTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	@Test
	void streamSubscriptionDeliversHistoryCaughtUpThenLive() throws Exception {
		String stream = uniqueStream("sub");
		server.client().appendToStream(stream, json("E", "1"), json("E", "2")).get();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		Subscription subscription = server.client().subscribeToStream(stream, recorder, SubscribeToStreamOptions.get().fromStart())
			.get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
		assertThat(recorder.caughtUpRevision).isEqualTo(1L);
		server.client().appendToStream(stream, json("E", "3")).get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.events.size() == 3);
		assertThat(recorder.bodies()).containsExactly("1", "2", "3");
		assertThat(recorder.signals.get(2)).isEqualTo("caught-up");
		subscription.stop();
	}

	@Test
	void streamSubscriptionStartIsExclusive() throws Exception {
		String stream = uniqueStream("excl");
		server.client().appendToStream(stream, json("E", "0"), json("E", "1"), json("E", "2")).get();
		TestSupport.Recorder fromRevision = new TestSupport.Recorder();
		TestSupport.Recorder fromEnd = new TestSupport.Recorder();
		Subscription a = server.client().subscribeToStream(stream, fromRevision, SubscribeToStreamOptions.get().fromRevision(0))
			.get();
		Subscription b = server.client().subscribeToStream(stream, fromEnd, SubscribeToStreamOptions.get().fromEnd()).get();
		await().atMost(TestSupport.WAIT).until(() -> fromRevision.caughtUp && fromEnd.caughtUp);
		server.client().appendToStream(stream, json("E", "3")).get();
		await().atMost(TestSupport.WAIT).until(() -> fromRevision.events.size() == 3 && fromEnd.events.size() == 1);
		assertThat(fromRevision.bodies()).containsExactly("1", "2", "3");
		assertThat(fromEnd.bodies()).containsExactly("3");
		a.stop();
		b.stop();
	}

	@Test
	void subscriptionToMissingStreamWaitsForItsFirstEvent() throws Exception {
		String stream = uniqueStream("later");
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		Subscription subscription = server.client().subscribeToStream(stream, recorder).get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
		assertThat(recorder.caughtUpRevision).isNull();
		server.client().appendToStream(stream, json("E", "first")).get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.events.size() == 1);
		subscription.stop();
	}

	@Test
	void tombstoneEndsStreamSubscriptionWithStreamDeleted() throws Exception {
		String stream = uniqueStream("gone");
		server.client().appendToStream(stream, json("E", "1")).get();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		server.client().subscribeToStream(stream, recorder).get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
		server.client().tombstoneStream(stream).get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.cancelledCalled);
		StatusRuntimeException error = (StatusRuntimeException) recorder.cancelled.get();
		assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
		assertThat(error.getTrailers().get(StreamsReadWriteTest.key("exception"))).isEqualTo("stream-deleted");
	}

	@Test
	void allSubscriptionFromPositionIsExclusiveAndOrdered() throws Exception {
		String stream = uniqueStream("allsub");
		WriteResult first = server.client().appendToStream(stream, json("E", "a")).get();
		server.client().appendToStream(stream, json("E", "b")).get();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		Subscription subscription = server.client()
			.subscribeToAll(recorder, SubscribeToAllOptions.get().fromPosition(first.getLogPosition()))
			.get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
		server.client().appendToStream(stream, json("E", "c")).get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.events.stream()
			.anyMatch((e) -> TestSupport.body(e).equals("c")));
		List<String> mine = recorder.events.stream()
			.filter((e) -> e.getEvent().getStreamId().equals(stream))
			.map(TestSupport::body)
			.toList();
		assertThat(mine).containsExactly("b", "c");
		assertThat(recorder.caughtUpPosition).isNotNull();
		subscription.stop();
	}

	@Test
	void filteredAllSubscriptionSendsMatchingEventsAndCheckpoints() throws Exception {
		String prefix = uniqueStream("filt");
		CompletableFuture<Position> lastCheckpoint = new CompletableFuture<>();
		List<Position> checkpoints = new java.util.concurrent.CopyOnWriteArrayList<>();
		for (int i = 0; i < 10; i++) {
			server.client().appendToStream(prefix + "-in", json("In", Integer.toString(i))).get();
			server.client().appendToStream(uniqueStream("other"), json("Out", "x")).get();
		}
		TestSupport.Recorder byStream = new TestSupport.Recorder();
		TestSupport.Recorder byType = new TestSupport.Recorder();
		SubscriptionFilter streamFilter = SubscriptionFilter.newBuilder()
			.addStreamNamePrefix(prefix)
			.withMaxWindow(2)
			.withCheckpointer((sub, position) -> {
				checkpoints.add(position);
				return CompletableFuture.completedFuture(null);
			}, 3)
			.build();
		Subscription s1 = server.client().subscribeToAll(byStream, SubscribeToAllOptions.get().fromStart().filter(streamFilter))
			.get();
		Subscription s2 = server.client()
			.subscribeToAll(byType,
					SubscribeToAllOptions.get()
						.fromStart()
						.filter(SubscriptionFilter.newBuilder().withEventTypeRegularExpression("^In$").build()))
			.get();
		await().atMost(TestSupport.WAIT).until(() -> byStream.caughtUp && byType.caughtUp);
		assertThat(byStream.bodies()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
		assertThat(byType.events).extracting((e) -> e.getEvent().getStreamId()).containsOnly(prefix + "-in");
		assertThat(byType.events).hasSize(10);
		// Interval 3 x 2 = 6 scanned records; the last checkpoint of the catch-up is at the end of the log.
		assertThat(checkpoints).isNotEmpty();
		for (int i = 1; i < checkpoints.size(); i++) {
			assertThat(checkpoints.get(i).getCommitUnsigned())
				.isGreaterThanOrEqualTo(checkpoints.get(i - 1).getCommitUnsigned());
		}
		assertThat(checkpoints.get(checkpoints.size() - 1).getCommitUnsigned())
			.isEqualTo(byStream.caughtUpPosition.getCommitUnsigned());
		long total = server.store().lastPosition();
		assertThat(checkpoints.size()).isGreaterThanOrEqualTo((int) (total / 6));
		server.client().appendToStream(prefix + "-in", json("In", "live")).get();
		await().atMost(TestSupport.WAIT).until(() -> byStream.bodies().contains("live"));
		s1.stop();
		s2.stop();
		lastCheckpoint.complete(null);
	}

	@Test
	void resolvesLinks() throws Exception {
		String target = uniqueStream("target");
		String links = uniqueStream("links");
		server.client().appendToStream(target, json("T", "payload")).get();
		server.client().appendToStream(links,
				io.kurrent.dbclient.EventData.builderAsBinary("$>", ("0@" + target).getBytes()).build())
			.get();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		Subscription subscription = server.client()
			.subscribeToStream(links, recorder, SubscribeToStreamOptions.get().resolveLinkTos())
			.get();
		await().atMost(TestSupport.WAIT).until(() -> recorder.events.size() == 1);
		ResolvedEvent event = recorder.events.get(0);
		assertThat(event.getLink()).isNotNull();
		assertThat(event.getLink().getStreamId()).isEqualTo(links);
		assertThat(event.getEvent().getStreamId()).isEqualTo(target);
		assertThat(TestSupport.body(event)).isEqualTo("payload");
		subscription.stop();
	}

}
