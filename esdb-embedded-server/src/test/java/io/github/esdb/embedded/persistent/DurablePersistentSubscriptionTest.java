package io.github.esdb.embedded.persistent;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.esdb.embedded.persistent.PersistentTestSupport.append;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.await;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A durable server built again on the same data directory (a new process, as far as the server knows) still has the
 * persistent subscription groups, their settings, checkpoints and parked events, and a group resumes from its
 * checkpoint.
 */
class DurablePersistentSubscriptionTest {

	@TempDir
	Path dataDir;

	@Test
	void aGroupResumesFromItsCheckpointOnANewServerOnTheSameDataDirectory() throws Exception {
		String stream = unique("durable");
		EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().dataDir(this.dataDir).build().start();
		KurrentDBClient client = PersistentTestSupport.client(server);
		KurrentDBPersistentSubscriptionsClient persistent = PersistentTestSupport.persistent(server);
		try {
			await(persistent.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get()
				.fromStart()
				.checkpointLowerBound(1)
				.checkpointUpperBound(1)
				.maxRetryCount(4)));
			await(persistent.createToStream(stream, "deleted-later", CreatePersistentSubscriptionToStreamOptions.get()));
			await(persistent.deleteToStream(stream, "deleted-later"));
			append(client, stream, 10);
			PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(false);
			PersistentSubscription subscription = await(persistent.subscribeToStream(stream, "g", recorder));
			List<PersistentTestSupport.Delivery> first = recorder.next(10);
			for (int i = 0; i < 5; i++) {
				subscription.ack(first.get(i).event());
			}
			subscription.nack(io.kurrent.dbclient.NackAction.Park, "poison", first.get(9).event());
			KurrentDBPersistentSubscriptionsClient before = persistent;
			await().atMost(PersistentTestSupport.WAIT)
				.untilAsserted(() -> assertThat(await(before.getInfoToStream(stream, "g")).orElseThrow()
					.getStats()
					.getLastCheckpointedEventRevision()).contains(4L));
			await().atMost(PersistentTestSupport.WAIT)
				.untilAsserted(() -> assertThat(await(before.getInfoToStream(stream, "g")).orElseThrow()
					.getStats()
					.getParkedMessageCount()).isEqualTo(1));
			subscription.stop();
			persistent.shutdown().get(10, TimeUnit.SECONDS);
			client.shutdown().get(10, TimeUnit.SECONDS);
			server.close();

			server = EmbeddedEsdbServer.builder().dataDir(this.dataDir).build().start();
			client = PersistentTestSupport.client(server);
			persistent = PersistentTestSupport.persistent(server);
			assertThat(await(persistent.listToStream(stream))).extracting((info) -> info.getGroupName())
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
			// Everything after the checkpoint, nothing before it: 5..9 come again (as on a real node, the group reads
			// on from its checkpoint, the parked 9 included), then 10..14.
			assertThat(revisions).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
		}
		finally {
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
