package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.checkpoint.MetadataEvents;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The KurrentDB lease store against the embedded server: its streams are capped, as the client reads their metadata,
 * so that renewals and heartbeats do not grow them.
 */
class KurrentDBLeaseStoreIntegrationTests {

	private EmbeddedEsdbServer server;

	private KurrentDBClient client;

	private KurrentDBLeaseStore store;

	@BeforeEach
	void start() {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
		this.store = new KurrentDBLeaseStore(() -> this.client,
				new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-lease-",
				Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() {
		this.client.shutdown();
		this.server.close();
	}

	@Test
	void leaseStreamsKeepTheirNewestEventsOnly() throws Exception {
		String id = "projection-" + UUID.randomUUID();
		SubscriptionLease lease = this.store.tryAcquire(id, "replica-a", Duration.ofMinutes(1)).orElseThrow();
		assertThat(this.client.getStreamMetadata(this.store.streamOf(id)).get(10, TimeUnit.SECONDS).getMaxCount())
			.isEqualTo(5L);
		MetadataEvents.assertOnlyMaxCount(this.client, this.store.streamOf(id), 5);
		for (int i = 0; i < 12; i++) {
			lease = this.store.renew(lease, Duration.ofMinutes(1)).orElseThrow();
		}
		List<ResolvedEvent> kept = this.client.readStream(this.store.streamOf(id), ReadStreamOptions.get().fromStart())
			.get(10, TimeUnit.SECONDS)
			.getEvents();
		assertThat(kept).hasSize(5);
		SubscriptionLease renewed = lease;
		assertThat(this.store.current(id)).hasValueSatisfying((current) -> {
			assertThat(current.owner()).isEqualTo("replica-a");
			assertThat(current.epoch()).isEqualTo(renewed.epoch());
		});
	}

	@Test
	void theMembersStreamIsCappedToo() throws Exception {
		String group = "group-" + UUID.randomUUID();
		assertThat(this.store.heartbeat(group, "replica-a", Duration.ofMinutes(1))).contains("replica-a");
		assertThat(this.client.getStreamMetadata(this.store.streamOf(group + "/members"))
			.get(10, TimeUnit.SECONDS)
			.getMaxCount()).isEqualTo(300L);
		MetadataEvents.assertOnlyMaxCount(this.client, this.store.streamOf(group + "/members"), 300);
	}

}
