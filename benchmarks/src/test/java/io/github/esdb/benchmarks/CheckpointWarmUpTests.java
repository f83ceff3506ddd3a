package io.github.esdb.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.checkpoint.KurrentDBCheckpointStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's warm-up writes checkpoints through the starter's own store, into the server, one append per
 * checkpoint: what the measured variants' checkpoint writes run, so that the JIT has compiled it before them.
 */
class CheckpointWarmUpTests {

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void everyCheckpointIsAnAppendThroughTheStartersStore() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start();
				StarterApp app = StarterApp.start(server.connectionString(), "warm-test", "s1", "s2", "s3", "s4",
						Map.of())) {
			// 120 writes over 50 ids: ids 0-19 three times (revisions 0, 1, 2), ids 20-49 twice (0, 1).
			StarterOverheadBenchmark.writeCheckpoints(app.checkpoints, "warm-", 120);

			assertThat(app.checkpoints.load("warm-7")).contains(Checkpoint.ofRevision(2));
			assertThat(app.checkpoints.load("warm-30")).contains(Checkpoint.ofRevision(1));
			assertThat(app.checkpoints.load("warm-50")).isEmpty();
			KurrentDBClient client = KurrentDBClient
				.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
			try {
				String stream = ((KurrentDBCheckpointStore) app.checkpoints).streamOf("warm-7");
				long lastRevision = client.readStream(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(1))
					.get()
					.getEvents()
					.get(0)
					.getOriginalEvent()
					.getRevision();
				// Three stores, three appends: none collapsed into another.
				assertThat(lastRevision).isEqualTo(2);
			}
			finally {
				client.shutdown().get();
			}
		}
	}

}
