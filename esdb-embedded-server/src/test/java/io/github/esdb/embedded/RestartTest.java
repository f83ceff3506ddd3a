package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;

import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import org.junit.jupiter.api.Test;

/** Stop/start on the same port keeps the data; subscribers see the drop and resume without losing events. */
class RestartTest {

	@Test
	void subscribersResumeAfterRestartWithoutLosingEvents() throws Exception {
		EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start();
		int port = server.port();
		KurrentDBClient client = TestSupport
			.client(server.connectionString() + "&maxDiscoverAttempts=50&discoveryInterval=100");
		try {
			String stream = uniqueStream("restart");
			TestSupport.Recorder allRecorder = new TestSupport.Recorder();
			TestSupport.Recorder streamRecorder = new TestSupport.Recorder();
			// Only this test's stream: $all also holds the node's system events and the projections' links.
			SubscriptionFilter mine = SubscriptionFilter.newBuilder().addStreamNamePrefix(stream).build();
			client.subscribeToAll(allRecorder, SubscribeToAllOptions.get().fromStart().filter(mine)).get();
			client.subscribeToStream(stream, streamRecorder, SubscribeToStreamOptions.get().fromStart()).get();
			for (int i = 0; i < 5; i++) {
				client.appendToStream(stream, json("E", Integer.toString(i))).get();
			}
			await().atMost(TestSupport.WAIT)
				.until(() -> allRecorder.events.size() == 5 && streamRecorder.events.size() == 5);

			server.stop();
			await().atMost(TestSupport.WAIT).until(() -> allRecorder.cancelledCalled && streamRecorder.cancelledCalled);
			assertThat(allRecorder.cancelled.get()).isInstanceOf(StatusRuntimeException.class);
			assertThat(streamRecorder.cancelled.get()).isInstanceOf(StatusRuntimeException.class);
			assertThat(((StatusRuntimeException) allRecorder.cancelled.get()).getStatus().getCode())
				.isEqualTo(io.grpc.Status.Code.UNAVAILABLE);

			server.start();
			assertThat(server.port()).isEqualTo(port);
			assertThat(client.readStream(stream, ReadStreamOptions.get()).get().getEvents()).hasSize(5);

			Position lastAll = allRecorder.events.get(allRecorder.events.size() - 1).getOriginalEvent().getPosition();
			long lastRevision = streamRecorder.events.get(streamRecorder.events.size() - 1).getOriginalEvent().getRevision();
			TestSupport.Recorder allResumed = new TestSupport.Recorder();
			TestSupport.Recorder streamResumed = new TestSupport.Recorder();
			client.subscribeToAll(allResumed, SubscribeToAllOptions.get().fromPosition(lastAll).filter(mine)).get();
			client.subscribeToStream(stream, streamResumed, SubscribeToStreamOptions.get().fromRevision(lastRevision)).get();
			for (int i = 5; i < 10; i++) {
				client.appendToStream(stream, json("E", Integer.toString(i))).get();
			}
			await().atMost(TestSupport.WAIT)
				.until(() -> allResumed.events.size() == 5 && streamResumed.events.size() == 5);

			List<String> all = new ArrayList<>(allRecorder.bodies());
			all.addAll(allResumed.bodies());
			List<String> byStream = new ArrayList<>(streamRecorder.bodies());
			byStream.addAll(streamResumed.bodies());
			List<String> expected = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
			assertThat(all).containsExactlyElementsOf(expected);
			assertThat(byStream).containsExactlyElementsOf(expected);
			ResolvedEvent first = allResumed.events.get(0);
			assertThat(first.getOriginalEvent().getPosition().getCommitUnsigned()).isGreaterThan(lastAll.getCommitUnsigned());
		}
		finally {
			client.shutdown().join();
			server.close();
		}
	}

}
