package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.cause;
import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Metadata;
import io.grpc.Status;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Access control of a secure node through the official client: stream ACLs per user and group, the defaults from
 * {@code $settings}, system streams and {@code $all} for {@code $admins}, and the persistent-subscription and
 * projection operations for {@code $ops}/{@code $admins}; every denial is {@code PERMISSION_DENIED} with
 * {@code exception: access-denied}, as on a real node.
 */
class AccessControlTest {

	private static final Metadata.Key<String> EXCEPTION = Metadata.Key.of("exception",
			Metadata.ASCII_STRING_MARSHALLER);

	private EmbeddedEsdbServer server;

	private final List<Runnable> closers = new ArrayList<>();

	private KurrentDBClient admin;

	private KurrentDBClient app;

	private KurrentDBClient reader;

	private KurrentDBClient ops;

	@BeforeEach
	void start() {
		this.server = EmbeddedEsdbServer.builder()
			.user("app", "app-pw")
			.user("reader", "reader-pw", "readers")
			.build()
			.start();
		this.admin = client("admin", "changeit");
		this.app = client("app", "app-pw");
		this.reader = client("reader", "reader-pw");
		this.ops = client("ops", "changeit");
	}

	@AfterEach
	void stop() {
		this.closers.forEach(Runnable::run);
		this.server.close();
	}

	@Test
	void userStreamsAreOpenToEveryAuthenticatedUserByDefault() throws Exception {
		String stream = uniqueStream("open");
		await(this.app.appendToStream(stream, json("E", "{}")));
		assertThat(await(this.reader.readStream(stream, ReadStreamOptions.get())).getEvents()).hasSize(1);
		assertThat(await(this.app.getStreamMetadata(stream)).getMaxCount()).isNull();
		await(this.app.deleteStream(stream, DeleteStreamOptions.get()));
	}

	@Test
	void theStreamAclGrantsEachOperationToUsersAndGroups() throws Exception {
		String stream = uniqueStream("acl");
		await(this.admin.appendToStream(stream, json("E", "{}")));
		setMetadata(this.admin, stream, "{\"$acl\":{\"$r\":[\"readers\"],\"$w\":\"app\",\"$d\":[],"
				+ "\"$mr\":\"$admins\",\"$mw\":\"$admins\"}}");

		// $r: the group readers, not app.
		assertThat(await(this.reader.readStream(stream, ReadStreamOptions.get())).getEvents()).hasSize(1);
		assertDenied(this.app.readStream(stream, ReadStreamOptions.get()));
		// $w: the user app, not reader.
		await(this.app.appendToStream(stream, json("E", "{}")));
		assertDenied(this.reader.appendToStream(stream, json("E", "{}")));
		// $d: nobody but admins.
		assertDenied(this.app.deleteStream(stream, DeleteStreamOptions.get()));
		assertDenied(this.ops.deleteStream(stream, DeleteStreamOptions.get()));
		// $mr and $mw: admins only.
		assertDenied(this.reader.getStreamMetadata(stream));
		assertDenied(this.app.appendToStream("$$" + stream, metadataEvent("{}")));
		assertThat(await(this.admin.readStream(stream, ReadStreamOptions.get())).getEvents()).hasSize(2);
		await(this.admin.deleteStream(stream, DeleteStreamOptions.get()));
		assertThat(this.server.store().streamInfo(stream).lastRevision()).isEqualTo(1);
	}

	@Test
	void systemStreamsAndAllAreForAdminsByDefault() throws Exception {
		assertDenied(this.app.readStream("$user-app", ReadStreamOptions.get()));
		assertDenied(this.ops.readAll(ReadAllOptions.get()));
		assertDenied(this.app.appendToStream("$custom", json("E", "{}")));
		assertDenied(this.admin.appendToStream("$all", json("E", "{}")));
		assertThat(await(this.admin.readAll(ReadAllOptions.get())).getEvents()).isNotEmpty();
		await(this.admin.appendToStream("$custom", json("E", "{}")));
		// A catch-up subscription to $all is a read of $all.
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		CompletableFuture<?> subscribed = this.app.subscribeToAll(recorder);
		assertThatThrownBy(() -> subscribed.get(30, TimeUnit.SECONDS)).satisfies(
				(t) -> assertAccessDenied(cause(t)));
	}

	@Test
	void settingsGiveTheDefaultAclsOfUserAndSystemStreams() throws Exception {
		await(this.admin.appendToStream("$settings", EventData
			.builderAsJson("$settings",
					("{\"$userStreamAcl\":{\"$r\":\"$all\",\"$w\":\"$admins\"},"
							+ "\"$systemStreamAcl\":{\"$r\":[\"$all\"],\"$w\":\"$admins\"}}")
						.getBytes(StandardCharsets.UTF_8))
			.build()));
		String stream = uniqueStream("defaults");
		assertDenied(this.app.appendToStream(stream, json("E", "{}")));
		await(this.admin.appendToStream(stream, json("E", "{}")));
		assertThat(await(this.app.readStream(stream, ReadStreamOptions.get())).getEvents()).hasSize(1);
		// $all is a system stream: its reads now follow $systemStreamAcl.
		assertThat(await(this.app.readAll(ReadAllOptions.get())).getEvents()).isNotEmpty();
		// What the settings leave out comes from the built-in default: $d of user streams is everyone's.
		await(this.app.deleteStream(stream, DeleteStreamOptions.get()));
		// The stream's own ACL still wins over the settings.
		String own = uniqueStream("own");
		setMetadata(this.admin, own, "{\"$acl\":{\"$w\":\"app\"}}");
		await(this.app.appendToStream(own, json("E", "{}")));
	}

	@Test
	void persistentSubscriptionManagementNeedsOpsOrAdminsAndConsumingNeedsRead() throws Exception {
		KurrentDBPersistentSubscriptionsClient appGroups = persistent("app", "app-pw");
		KurrentDBPersistentSubscriptionsClient opsGroups = persistent("ops", "changeit");
		String stream = uniqueStream("groups");
		await(this.app.appendToStream(stream, json("E", "{}")));
		assertDenied(appGroups.createToStream(stream, "g"));
		await(opsGroups.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()));
		assertThat(await(appGroups.getInfoToStream(stream, "g"))).isPresent();
		assertDenied(appGroups.replayParkedMessagesToStream(stream, "g"));
		assertDenied(appGroups.deleteToStream(stream, "g"));

		List<ResolvedEvent> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		PersistentSubscription subscription = await(appGroups.subscribeToStream(stream, "g",
				new PersistentSubscriptionListener() {
					@Override
					public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
						received.add(event);
						subscription.ack(event);
					}
				}));
		org.awaitility.Awaitility.await().atMost(TestSupport.WAIT).until(() -> received.size() == 1);
		subscription.stop();

		// Without $r on the stream, connecting to the group is denied.
		setMetadata(this.admin, stream, "{\"$acl\":{\"$r\":\"$admins\"}}");
		CompletableFuture<PersistentSubscription> denied = appGroups.subscribeToStream(stream, "g",
				new PersistentSubscriptionListener() {
				});
		assertThatThrownBy(() -> denied.get(30, TimeUnit.SECONDS)).satisfies((t) -> assertAccessDenied(cause(t)));
		await(opsGroups.deleteToStream(stream, "g"));
	}

	@Test
	void projectionControlNeedsOpsOrAdmins() throws Exception {
		KurrentDBProjectionManagementClient appProjections = KurrentDBProjectionManagementClient
			.create(settings("app", "app-pw"));
		KurrentDBProjectionManagementClient opsProjections = KurrentDBProjectionManagementClient
			.create(settings("ops", "changeit"));
		this.closers.add(() -> appProjections.shutdown());
		this.closers.add(() -> opsProjections.shutdown());
		assertThat(await(appProjections.list())).isNotEmpty();
		assertDenied(appProjections.disable("$by_category"));
		await(opsProjections.disable("$by_category"));
		await(opsProjections.enable("$by_category"));
	}

	private void setMetadata(KurrentDBClient client, String stream, String metadata) throws Exception {
		await(client.appendToStream("$$" + stream, metadataEvent(metadata)));
	}

	private static EventData metadataEvent(String metadata) {
		return EventData.builderAsJson("$metadata", metadata.getBytes(StandardCharsets.UTF_8)).build();
	}

	private KurrentDBClient client(String user, String password) {
		KurrentDBClient client = KurrentDBClient.create(settings(user, password));
		this.closers.add(() -> client.shutdown().join());
		return client;
	}

	private KurrentDBPersistentSubscriptionsClient persistent(String user, String password) {
		KurrentDBPersistentSubscriptionsClient client = KurrentDBPersistentSubscriptionsClient
			.create(settings(user, password));
		this.closers.add(() -> client.shutdown().join());
		return client;
	}

	private KurrentDBClientSettings settings(String user, String password) {
		return KurrentDBConnectionString.parseOrThrow(this.server.connectionString(user, password));
	}

	private static <T> T await(CompletableFuture<T> future) throws Exception {
		return future.get(30, TimeUnit.SECONDS);
	}

	private static void assertDenied(CompletableFuture<?> call) {
		assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).satisfies((t) -> assertAccessDenied(cause(t)));
	}

	private static void assertAccessDenied(Throwable t) {
		Throwable status = t;
		while (status != null && !(status instanceof io.grpc.StatusRuntimeException)) {
			status = status.getCause();
		}
		assertThat(status).as("a gRPC status in %s", t).isInstanceOf(io.grpc.StatusRuntimeException.class);
		io.grpc.StatusRuntimeException ex = (io.grpc.StatusRuntimeException) status;
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
		assertThat(ex.getTrailers().get(EXCEPTION)).isEqualTo("access-denied");
	}

}
