package io.github.esdb.embedded.persistent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;

import static io.github.esdb.embedded.persistent.PersistentTestSupport.append;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.await;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Groups survive a server stop/start on the same port, and a new durable server on the same data directory (a new
 * process, as far as the server knows), with their settings and parked events, and resume from their checkpoint.
 */
class PersistentSubscriptionRestartTest {

	@TempDir
	Path dataDir;

	@Test
	void groupResumesFromCheckpointAfterServerRestart() throws Exception {
		groupResumesFromCheckpointAfter(EmbeddedEsdbServer.builder().build().start(), (server) -> {
			server.stop();
			return server.start();
		});
	}

	@Test
	void groupResumesFromCheckpointOnANewDurableServerOnTheSameDataDirectory() throws Exception {
		groupResumesFromCheckpointAfter(EmbeddedEsdbServer.builder().dataDir(this.dataDir).build().start(),
				(server) -> {
					server.close();
					return EmbeddedEsdbServer.builder().dataDir(this.dataDir).build().start();
				});
	}

	private void groupResumesFromCheckpointAfter(EmbeddedEsdbServer started, UnaryOperator<EmbeddedEsdbServer> restart)
			throws Exception {
		EmbeddedEsdbServer server = started;
		String stream = unique("restart");
		KurrentDBClient client = PersistentTestSupport.client(server);
		KurrentDBPersistentSubscriptionsClient persistent = PersistentTestSupport.persistent(server);
		try {
			await(persistent.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get()
				.fromStart()
				.checkpointLowerBound(1)
				.checkpointUpperBound(1)
				.maxRetryCount(4)));
			await(persistent.createToStream(stream, "deleted", CreatePersistentSubscriptionToStreamOptions.get()));
			await(persistent.deleteToStream(stream, "deleted"));
			append(client, stream, 10);
			PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(false);
			PersistentSubscription subscription = await(persistent.subscribeToStream(stream, "g", recorder));
			List<PersistentTestSupport.Delivery> first = recorder.next(10);
			for (int i = 0; i < 5; i++) {
				subscription.ack(first.get(i).event());
			}
			// 5..8 stay in flight, so the checkpoint stays at 4.
			subscription.nack(NackAction.Park, "poison", first.get(9).event());
			KurrentDBPersistentSubscriptionsClient before = persistent;
			await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> {
				PersistentSubscriptionToStreamInfo info = await(before.getInfoToStream(stream, "g")).orElseThrow();
				assertThat(info.getStats().getLastCheckpointedEventRevision()).contains(4L);
				assertThat(info.getStats().getParkedMessageCount()).isEqualTo(1);
			});
			RecordedEvent checkpoint = await(client.readStream("$persistentsubscription-" + stream + "::g-checkpoint",
					ReadStreamOptions.get().backwards().fromEnd().maxCount(1)))
				.getEvents()
				.get(0)
				.getOriginalEvent();
			assertThat(checkpoint.getEventType()).isEqualTo("$SubscriptionCheckpoint");
			assertThat(new String(checkpoint.getEventData(), StandardCharsets.UTF_8)).isEqualTo("\"4\"");

			server = restart.apply(server);
			await().atMost(PersistentTestSupport.WAIT).until(() -> recorder.cancelledCalled);
			assertThat(recorder.cancelled.get()).isInstanceOf(StatusRuntimeException.class);
			assertThat(((StatusRuntimeException) recorder.cancelled.get()).getStatus().getCode())
				.isEqualTo(Status.Code.UNAVAILABLE);
			persistent.shutdown().get(10, TimeUnit.SECONDS);
			client.shutdown().get(10, TimeUnit.SECONDS);

			client = PersistentTestSupport.client(server);
			persistent = PersistentTestSupport.persistent(server);
			assertThat(await(persistent.listToStream(stream))).extracting(PersistentSubscriptionToStreamInfo::getGroupName)
				.containsExactly("g");
			PersistentSubscriptionToStreamInfo info = await(persistent.getInfoToStream(stream, "g")).orElseThrow();
			assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(4);
			assertThat(info.getStats().getLastCheckpointedEventRevision()).contains(4L);
			assertThat(info.getStats().getParkedMessageCount()).isEqualTo(1);
			append(client, stream, 5);
			PersistentTestSupport.Recorder resumed = new PersistentTestSupport.Recorder(true);
			await(persistent.subscribeToStream(stream, "g", resumed));
			TreeSet<Long> revisions = new TreeSet<>();
			for (PersistentTestSupport.Delivery delivery : resumed.next(10)) {
				revisions.add(delivery.revision());
			}
			// Everything after the checkpoint, nothing before it: 5..9 come again (as on a real node the group reads on
			// from its checkpoint, the parked 9 included), then 10..14.
			assertThat(revisions).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
		}
		finally {
			// Whatever failed, end the current clients and the server: no threads may outlive the class.
			try {
				persistent.shutdown().get(10, TimeUnit.SECONDS);
				client.shutdown().get(10, TimeUnit.SECONDS);
			}
			finally {
				server.close();
			}
		}
	}

}
