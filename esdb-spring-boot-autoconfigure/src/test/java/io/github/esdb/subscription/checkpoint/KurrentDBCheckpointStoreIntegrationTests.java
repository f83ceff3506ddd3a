package io.github.esdb.subscription.checkpoint;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The default checkpoint store against the embedded server: writes go out in the background, one at a time and in
 * order, newer checkpoints replace waiting ones, and {@code flush} and {@code load} see the newest.
 */
class KurrentDBCheckpointStoreIntegrationTests {

	private EmbeddedEsdbServer server;

	private KurrentDBClient client;

	private KurrentDBCheckpointStore store;

	@BeforeEach
	void start() {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
		this.store = new KurrentDBCheckpointStore(() -> this.client,
				new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 5,
				Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() {
		this.client.shutdown();
		this.server.close();
	}

	@Test
	void manyQuickStoresEndWithTheNewestCheckpointStoredLastAndTheStreamCapped() throws Exception {
		String id = "projection-" + UUID.randomUUID();
		for (long revision = 0; revision < 500; revision++) {
			this.store.store(id, Checkpoint.ofRevision(revision));
		}
		this.store.flush(id);
		List<ResolvedEvent> written = this.client
			.readStream(this.store.streamOf(id), ReadStreamOptions.get().fromStart())
			.get(10, TimeUnit.SECONDS)
			.getEvents();
		// Coalesced: far fewer writes than stores, the last one is the newest, and $maxCount keeps only 5.
		assertThat(written).isNotEmpty().hasSizeLessThanOrEqualTo(5);
		assertThat(new String(written.get(written.size() - 1).getOriginalEvent().getEventData()))
			.contains("\"revision\":499");
		assertThat(this.store.load(id)).contains(Checkpoint.ofRevision(499));
	}

	@Test
	void theFirstWriteCapsTheStreamAsTheClientReadsItsMetadata() throws Exception {
		String id = "projection-" + UUID.randomUUID();
		this.store.store(id, Checkpoint.ofRevision(3));
		this.store.flush(id);
		// The store writes the metadata event itself; the client's own reading of it must see the cap.
		StreamMetadata metadata = this.client.getStreamMetadata(this.store.streamOf(id)).get(10, TimeUnit.SECONDS);
		assertThat(metadata.getMaxCount()).isEqualTo(5L);
		assertThat(metadata.getMaxAge()).isNull();
		assertThat(metadata.getCustomProperties()).isNullOrEmpty();
		MetadataEvents.assertOnlyMaxCount(this.client, this.store.streamOf(id), 5);
		for (long revision = 4; revision < 20; revision++) {
			this.store.store(id, Checkpoint.ofRevision(revision));
			this.store.flush(id);
		}
		List<ResolvedEvent> kept = this.client
			.readStream(this.store.streamOf(id), ReadStreamOptions.get().fromStart())
			.get(10, TimeUnit.SECONDS)
			.getEvents();
		assertThat(kept).hasSize(5);
		assertThat(new String(kept.get(4).getOriginalEvent().getEventData())).contains("\"revision\":19");
	}

	@Test
	void loadWaitsForWritesStillUnderWay() {
		String id = "projection-" + UUID.randomUUID();
		this.store.store(id, Checkpoint.ofRevision(7));
		this.store.store(id, Checkpoint.ofRevision(8));
		assertThat(this.store.load(id)).contains(Checkpoint.ofRevision(8));
	}

	@Test
	void aFailedWriteIsReportedByFlushAndRetriedWithTheNextCheckpoint() {
		String id = "projection-" + UUID.randomUUID();
		this.store.store(id, Checkpoint.ofRevision(1));
		this.store.flush(id);
		this.server.stop();
		KurrentDBCheckpointStore impatient = new KurrentDBCheckpointStore(() -> this.client,
				new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 5,
				Duration.ofSeconds(3));
		impatient.store(id, Checkpoint.ofRevision(2));
		assertThatIllegalStateException().isThrownBy(() -> impatient.flush(id));
		this.server.start();
		KurrentDBClient fresh = KurrentDBClient
			.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
		try {
			KurrentDBCheckpointStore recovered = new KurrentDBCheckpointStore(() -> fresh,
					new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 5,
					Duration.ofSeconds(10));
			assertThat(recovered.load(id)).contains(Checkpoint.ofRevision(1));
			recovered.store(id, Checkpoint.ofRevision(3));
			recovered.flush(id);
			assertThat(recovered.load(id)).contains(Checkpoint.ofRevision(3));
		}
		finally {
			fresh.shutdown();
		}
	}

}
