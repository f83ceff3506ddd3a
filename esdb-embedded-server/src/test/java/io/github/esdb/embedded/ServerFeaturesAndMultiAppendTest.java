package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.cause;
import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.MultiStreamAppendResponse;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ServerVersion;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.StreamTombstonedException;
import io.kurrent.dbclient.WrongExpectedVersionException;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethod;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethods;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ServerFeatures, Gossip discovery, and v2 multi-stream appends. */
class ServerFeaturesAndMultiAppendTest {

	/** Stands in for a service registered by another module (e.g. persistent subscriptions). */
	static final ServiceFactory EXTRA = (context) -> ServiceContext.implementedOnly(
			new PersistentSubscriptionsGrpc.PersistentSubscriptionsImplBase() {
			}, java.util.Set.of("Create", "Read"));

	@RegisterExtension
	static final TestServer server = new TestServer((builder) -> builder.discoverServices(false).service(EXTRA));

	@Test
	void reportsVersionAndImplementedMethods() throws Exception {
		ServerVersion version = server.client().getServerVersion().get().orElseThrow();
		assertThat(version.getMajor()).isEqualTo(25);
		assertThat(version.getMinor()).isEqualTo(1);
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
		try {
			SupportedMethods methods = ServerFeaturesGrpc.newBlockingStub(channel)
				.getSupportedMethods(Shared.Empty.getDefaultInstance());
			assertThat(methods.getEventStoreServerVersion()).isEqualTo("25.1.0");
			List<String> names = methods.getMethodsList()
				.stream()
				.map((m) -> m.getServiceName() + "/" + m.getMethodName())
				.toList();
			assertThat(names).contains("event_store.client.streams.streams/read",
					"event_store.client.streams.streams/append", "event_store.client.streams.streams/delete",
					"event_store.client.streams.streams/tombstone", "kurrentdb.protocol.v2.streams.streamsservice/appendsession",
					"event_store.client.persistent_subscriptions.persistentsubscriptions/create",
					"event_store.client.server_features.serverfeatures/getsupportedmethods",
					"event_store.client.gossip.gossip/read");
			assertThat(names).doesNotContain("event_store.client.streams.streams/batchappend",
					"event_store.client.persistent_subscriptions.persistentsubscriptions/delete");
			SupportedMethod read = methods.getMethodsList()
				.stream()
				.filter((m) -> m.getMethodName().equals("read") && m.getServiceName().endsWith("streams.streams"))
				.findFirst()
				.orElseThrow();
			assertThat(read.getFeaturesList()).containsExactly("position", "events");
			SupportedMethod create = methods.getMethodsList()
				.stream()
				.filter((m) -> m.getMethodName().equals("create") && m.getServiceName().contains("persistent"))
				.findFirst()
				.orElseThrow();
			assertThat(create.getFeaturesList()).containsExactly("stream", "all");
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void discoverConnectionStringUsesGossip() throws Exception {
		KurrentDBClient discovering = TestSupport
			.client("kurrentdb+discover://127.0.0.1:" + server.port() + "?tls=false");
		try {
			String stream = uniqueStream("gossip");
			discovering.appendToStream(stream, json("E", "{}")).get();
			assertThat(discovering.readStream(stream, ReadStreamOptions.get()).get().getEvents()).hasSize(1);
		}
		finally {
			discovering.shutdown().join();
		}
	}

	@Test
	void appendsToSeveralStreamsAtomically() throws Exception {
		String a = uniqueStream("multi-a");
		String b = uniqueStream("multi-b");
		server.client().appendToStream(b, json("E", "{}")).get();
		EventData withProperties = EventData.builderAsJson("Typed", "{\"x\":1}".getBytes(StandardCharsets.UTF_8))
			.metadataAsBytes("{\"tenant\":\"t1\"}".getBytes(StandardCharsets.UTF_8))
			.build();
		MultiStreamAppendResponse response = server.client()
			.multiStreamAppend(List.of(new AppendStreamRequest(a, List.of(withProperties).iterator(), StreamState.noStream()),
					new AppendStreamRequest(b, List.of(json("E", "{}"), json("E", "{}")).iterator(),
							StreamState.streamRevision(0)))
				.iterator())
			.get();
		assertThat(response.getResults()).extracting((r) -> r.getStream() + "@" + r.getStreamRevision())
			.containsExactly(a + "@0", b + "@2");
		RecordedEvent stored = server.client().readStream(a, ReadStreamOptions.get()).get().getEvents().get(0).getEvent();
		// The position of the last appended event (the system projections' links come after it).
		RecordedEvent lastOfB = server.client()
			.readStream(b, ReadStreamOptions.get().backwards().fromEnd().maxCount(1))
			.get()
			.getEvents()
			.get(0)
			.getEvent();
		assertThat(response.getPosition()).isEqualTo(lastOfB.getPosition().getCommitUnsigned());
		assertThat(stored.getEventType()).isEqualTo("Typed");
		assertThat(stored.getContentType()).isEqualTo("application/json");
		@SuppressWarnings("unchecked")
		Map<String, Object> metadata = new com.fasterxml.jackson.databind.ObjectMapper()
			.readValue(stored.getUserMetadata(), Map.class);
		assertThat(metadata).containsEntry("tenant", "t1")
			.containsEntry("$schema.name", "Typed")
			.containsEntry("$schema.format", "Json");
	}

	@Test
	void multiAppendConflictWritesNothing() throws Exception {
		String a = uniqueStream("conflict-a");
		String b = uniqueStream("conflict-b");
		long before = server.store().lastPosition();
		assertThatThrownBy(() -> server.client()
			.multiStreamAppend(List.of(new AppendStreamRequest(a, List.of(json("E", "{}")).iterator(), StreamState.any()),
					new AppendStreamRequest(b, List.of(json("E", "{}")).iterator(), StreamState.streamExists()))
				.iterator())
			.get()).satisfies((t) -> {
				WrongExpectedVersionException wev = (WrongExpectedVersionException) cause(t);
				assertThat(wev.getStreamName()).isEqualTo(b);
				assertThat(wev.getExpectedState()).isEqualTo(StreamState.streamExists());
				assertThat(wev.getActualState()).isEqualTo(StreamState.noStream());
			});
		assertThat(server.store().lastPosition()).isEqualTo(before);

		String tomb = uniqueStream("tomb");
		server.client().appendToStream(tomb, json("E", "{}")).get();
		server.client().tombstoneStream(tomb).get();
		assertThatThrownBy(() -> server.client()
			.multiStreamAppend(
					List.of(new AppendStreamRequest(tomb, List.of(json("E", "{}")).iterator(), StreamState.any())).iterator())
			.get()).satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamTombstonedException.class));
	}

	@Test
	void sameStreamTwiceInOneSessionIsAborted() {
		String stream = uniqueStream("twice");
		assertThatThrownBy(() -> server.client()
			.multiStreamAppend(List.of(new AppendStreamRequest(stream, List.of(json("E", "{}")).iterator(), StreamState.any()),
					new AppendStreamRequest(stream, List.of(json("E", "{}")).iterator(), StreamState.any()))
				.iterator())
			.get()).satisfies((t) -> {
				io.grpc.StatusRuntimeException ex = (io.grpc.StatusRuntimeException) cause(t);
				assertThat(ex.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.ABORTED);
				com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(ex);
				assertThat(status.getDetailsList()).anyMatch((any) -> any.is(
						io.kurrentdb.protocol.v2.streams.errors.StreamAlreadyInAppendSessionErrorDetails.class));
			});
		assertThat(server.store().streamInfo(stream).lastRevision()).isEqualTo(-1);
	}

}
