package io.github.esdb.embedded;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A fresh embedded server's {@code $all} holds the system events a new real node has. */
class FreshNodeLogTest {

	private static List<RecordedEvent> readAll(KurrentDBClient client) throws Exception {
		return client.readAll(ReadAllOptions.get().forwards().fromStart())
			.get(30, TimeUnit.SECONDS)
			.getEvents()
			.stream()
			.map(ResolvedEvent::getEvent)
			.toList();
	}

	@Test
	void aFreshNodeHasTheDefaultUsersAndTheProjectionDefinitions() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			KurrentDBClient client = TestSupport.client(server.connectionString());
			try {
				List<RecordedEvent> all = readAll(client);
				assertThat(all).isNotEmpty().allMatch((e) -> e.getStreamId().startsWith("$"));
				assertThat(all).extracting(RecordedEvent::getStreamId)
					.contains("$user-admin", "$user-ops", "$users", "$projections-$all", "$projections-$by_category");
				List<String> users = client.readStream("$users", ReadStreamOptions.get())
					.get(30, TimeUnit.SECONDS)
					.getEvents()
					.stream()
					.map((e) -> new String(e.getEvent().getEventData(), StandardCharsets.UTF_8))
					.toList();
				assertThat(users).containsExactly("admin", "ops");
				RecordedEvent admin = client.readStream("$user-admin", ReadStreamOptions.get())
					.get(30, TimeUnit.SECONDS)
					.getEvents()
					.get(0)
					.getEvent();
				assertThat(admin.getEventType()).isEqualTo("$user");
				assertThat(new String(admin.getEventData(), StandardCharsets.UTF_8)).contains("\"groups\":[\"$admins\"]")
					.doesNotContain("hash")
					.doesNotContain("changeit");
				List<String> registrations = client.readStream("$projections-$all", ReadStreamOptions.get())
					.get(30, TimeUnit.SECONDS)
					.getEvents()
					.stream()
					.map((e) -> e.getEvent().getEventType() + ":"
							+ new String(e.getEvent().getEventData(), StandardCharsets.UTF_8))
					.toList();
				assertThat(registrations).containsExactly("$ProjectionsInitialized:", "$ProjectionCreated:$streams",
						"$ProjectionCreated:$stream_by_category", "$ProjectionCreated:$by_category",
						"$ProjectionCreated:$by_event_type", "$ProjectionCreated:$by_correlation_id");
			}
			finally {
				client.shutdown().get(30, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void filteringSystemEventsOutOfAllLeavesOnlyUserEvents() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			KurrentDBClient client = TestSupport.client(server.connectionString());
			try {
				client.appendToStream("order-1", TestSupport.json("Placed", "{}")).get(30, TimeUnit.SECONDS);
				TestSupport.Recorder recorder = new TestSupport.Recorder();
				client.subscribeToAll(recorder, SubscribeToAllOptions.get()
					.fromStart()
					.filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression("^[^$]").build()))
					.get(30, TimeUnit.SECONDS);
				await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
				assertThat(recorder.events).extracting((e) -> e.getEvent().getStreamId()).containsExactly("order-1");
				// Unfiltered, the same log starts with the system events.
				assertThat(readAll(client).get(0).getStreamId()).startsWith("$");
			}
			finally {
				client.shutdown().get(30, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void configuredUsersFollowTheDefaultOnesAndResetWritesThemAgain() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().user("app", "secret").build().start()) {
			// Reading $all needs $admins on a secure node, as on a real one.
			KurrentDBClient client = TestSupport.client(server.connectionString("admin", "changeit"));
			try {
				int before = readAll(client).size();
				assertThat(readAll(client)).extracting(RecordedEvent::getStreamId).contains("$user-app");
				client.appendToStream("order-1", TestSupport.json("Placed", "{}")).get(30, TimeUnit.SECONDS);
				server.reset();
				await().atMost(TestSupport.WAIT).ignoreExceptions().until(() -> readAll(client).size() == before);
				assertThat(readAll(client)).extracting(RecordedEvent::getStreamId).doesNotContain("order-1");
			}
			finally {
				client.shutdown().get(30, TimeUnit.SECONDS);
			}
		}
	}

}
