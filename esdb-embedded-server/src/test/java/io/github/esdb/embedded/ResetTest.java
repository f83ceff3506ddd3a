package io.github.esdb.embedded;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.esdb.embedded.TestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedEsdbServer#reset()} clears streams, events, persistent subscription groups and parked events, on
 * the same port, for the clients already connected; {@code $all} positions go on after the last one.
 */
class ResetTest {

	private EmbeddedEsdbServer server;

	private KurrentDBClient client;

	private KurrentDBPersistentSubscriptionsClient persistent;

	@BeforeEach
	void start() {
		this.server = EmbeddedEsdbServer.builder().build().start();
		String connectionString = this.server.connectionString() + "&maxDiscoverAttempts=50&discoveryInterval=100";
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString));
		this.persistent = KurrentDBPersistentSubscriptionsClient.from(this.client);
	}

	@AfterEach
	void stop() throws Exception {
		this.client.shutdown().get(10, TimeUnit.SECONDS);
		this.server.close();
	}

	@Test
	void clearsStreamsGroupsAndParkedEventsForTheClientsAlreadyConnected() throws Exception {
		int port = this.server.port();
		this.client.appendToStream("orders-1", json("OrderPlaced", "1"), json("OrderPlaced", "2")).get();
		this.persistent.createToStream("orders-1", "workers", CreatePersistentSubscriptionToStreamOptions.get()
			.fromStart()).get();
		PersistentSubscription subscription = this.persistent.subscribeToStream("orders-1", "workers",
				new PersistentSubscriptionListener() {
					@Override
					public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
						subscription.nack(NackAction.Park, "test", event);
					}
				}).get();
		await().atMost(TestSupport.WAIT).until(() -> parked().size() == 2);
		subscription.stop();
		TestSupport.Recorder all = new TestSupport.Recorder();
		this.client.subscribeToAll(all, SubscribeToAllOptions.get().fromEnd()).get();
		long lastBefore = this.server.store().lastPosition();

		this.server.reset();

		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.port()).isEqualTo(port);
		// An open subscription ends as after a restart, so its owner resubscribes.
		await().atMost(TestSupport.WAIT).until(() -> all.cancelledCalled);
		assertThatThrownBy(() -> this.client.readStream("orders-1", ReadStreamOptions.get()).get())
			.isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(StreamNotFoundException.class);
		assertThat(parked()).isEmpty();
		assertThat(this.persistent.listAll().get()).isEmpty();
		// Only the system events of a fresh node are left (default users, projection definitions).
		assertThat(this.client.readAll(ReadAllOptions.get().fromStart()).get().getEvents())
			.isNotEmpty()
			.allMatch((event) -> event.getOriginalEvent().getStreamId().startsWith("$"));

		// Everything works as on a new server, with $all positions after the old ones.
		WriteResult written = this.client.appendToStream("orders-1", json("OrderPlaced", "3")).get();
		assertThat(written.getNextExpectedRevision().toRawLong()).isZero();
		assertThat(written.getLogPosition().getCommitUnsigned()).isGreaterThan(lastBefore);
		this.persistent.createToStream("orders-1", "workers", CreatePersistentSubscriptionToStreamOptions.get()
			.fromStart()).get(10, TimeUnit.SECONDS);
		List<ResolvedEvent> events = this.client.readAll(ReadAllOptions.get().fromStart()).get().getEvents();
		assertThat(events).extracting((event) -> event.getOriginalEvent().getStreamId()).contains("orders-1");
	}

	@Test
	void aStoppedServerStaysStoppedAndIsEmptyWhenStarted() throws Exception {
		this.client.appendToStream("orders-2", json("OrderPlaced", "1")).get();
		this.server.stop();
		this.server.reset();
		assertThat(this.server.isRunning()).isFalse();
		this.server.start();
		assertThatThrownBy(() -> this.client.readStream("orders-2", ReadStreamOptions.get()).get())
			.hasCauseInstanceOf(StreamNotFoundException.class);
	}

	private List<ResolvedEvent> parked() throws Exception {
		try {
			return this.client
				.readStream("$persistentsubscription-orders-1::workers-parked",
						ReadStreamOptions.get().fromStart().notResolveLinkTos())
				.get(10, TimeUnit.SECONDS)
				.getEvents();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof StreamNotFoundException) {
				return List.of();
			}
			throw ex;
		}
	}

}
