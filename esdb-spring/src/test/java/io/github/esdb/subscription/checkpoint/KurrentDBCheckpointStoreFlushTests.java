package io.github.esdb.subscription.checkpoint;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A flush while the database cannot be written gives up after one more attempt instead of spinning until its
 * timeout, so a stopping subscription leaves the stop budget to the others.
 */
class KurrentDBCheckpointStoreFlushTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	@Test
	void aFlushThatCannotWriteTriesOnceMoreAndReports() throws Exception {
		KurrentDBClient dead = KurrentDBClient
			.create(KurrentDBConnectionString.parseOrThrow(esdb.server().connectionString()));
		dead.shutdown().get(5, TimeUnit.SECONDS);
		AtomicInteger attempts = new AtomicInteger();
		KurrentDBCheckpointStore store = new KurrentDBCheckpointStore(() -> {
			attempts.incrementAndGet();
			return dead;
		}, new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 10,
				Duration.ofSeconds(10));
		store.store("dead", Checkpoint.ofRevision(5));

		long started = System.nanoTime();
		assertThatIllegalStateException().isThrownBy(() -> store.flush("dead"))
			.withMessageContaining("could not be stored");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		assertThat(attempts).hasValue(2);
	}

	@Test
	void aFlushWritesTheNewestCheckpoint() {
		KurrentDBCheckpointStore store = new KurrentDBCheckpointStore(esdb::client,
				new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 10,
				Duration.ofSeconds(10));
		store.store("live", Checkpoint.ofRevision(1));
		store.store("live", Checkpoint.ofRevision(2));
		store.flush("live");
		assertThat(new KurrentDBCheckpointStore(esdb::client,
				new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 10,
				Duration.ofSeconds(10))
			.load("live")).contains(Checkpoint.ofRevision(2));
	}

}
