package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.kurrentdb.protocol.v2.streams.AppendRequest;
import io.kurrentdb.protocol.v2.streams.AppendSessionResponse;
import io.kurrentdb.protocol.v2.streams.StreamsServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed requests get INVALID_ARGUMENT (never a crash or a hung call); a stalled reader blocks nobody. */
class BadRequestAndFlowControlTest {

	static ManagedChannel channel;

	@RegisterExtension
	static final TestServer server = new TestServer();

	@BeforeAll
	static void start() {
		channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
	}

	@AfterAll
	static void stop() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	private static ReadReq.Options.Builder validStreamRead(ByteString name) {
		return ReadReq.Options.newBuilder()
			.setStream(ReadReq.Options.StreamOptions.newBuilder()
				.setStreamIdentifier(Shared.StreamIdentifier.newBuilder().setStreamName(name))
				.setStart(Shared.Empty.getDefaultInstance()))
			.setCount(10)
			.setNoFilter(Shared.Empty.getDefaultInstance())
			.setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Shared.Empty.getDefaultInstance()));
	}

	private static void assertInvalid(ReadReq request, String messagePart) {
		StreamsGrpc.StreamsBlockingStub stub = StreamsGrpc.newBlockingStub(channel)
			.withDeadlineAfter(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThatThrownBy(() -> {
			Iterator<ReadResp> responses = stub.read(request);
			while (responses.hasNext()) {
				responses.next();
			}
		}).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).contains(messagePart);
		});
	}

	@Test
	void readsWithMissingOrInvalidOptionsAreRejected() {
		assertInvalid(ReadReq.getDefaultInstance(), "options");
		assertInvalid(ReadReq.newBuilder().setOptions(validStreamRead(ByteString.copyFromUtf8("s")).clearStream()).build(),
				"stream_option");
		assertInvalid(ReadReq.newBuilder().setOptions(validStreamRead(ByteString.copyFromUtf8("s")).clearCountOption()).build(),
				"count_option");
		assertInvalid(ReadReq.newBuilder()
			.setOptions(validStreamRead(ByteString.copyFrom(new byte[] { (byte) 0xc3, (byte) 0x28 })))
			.build(), "UTF-8");
		ReadReq.Options.Builder zeroMultiplier = ReadReq.Options.newBuilder()
			.setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Shared.Empty.getDefaultInstance()))
			.setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
			.setFilter(ReadReq.Options.FilterOptions.newBuilder()
				.setStreamIdentifier(ReadReq.Options.FilterOptions.Expression.newBuilder().setRegex("x"))
				.setCount(Shared.Empty.getDefaultInstance())
				.setCheckpointIntervalMultiplier(0))
			.setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Shared.Empty.getDefaultInstance()));
		assertInvalid(ReadReq.newBuilder().setOptions(zeroMultiplier).build(), "multiplier");
	}

	private static ReadReq filteredAllSubscription(String regex) {
		return ReadReq.newBuilder()
			.setOptions(ReadReq.Options.newBuilder()
				.setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Shared.Empty.getDefaultInstance()))
				.setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
				.setFilter(ReadReq.Options.FilterOptions.newBuilder()
					.setStreamIdentifier(ReadReq.Options.FilterOptions.Expression.newBuilder().setRegex(regex))
					.setCount(Shared.Empty.getDefaultInstance())
					.setCheckpointIntervalMultiplier(1))
				.setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Shared.Empty.getDefaultInstance())))
			.build();
	}

	private static Persistent.CreateReq filteredAllGroup(String regex) {
		return Persistent.CreateReq.newBuilder()
			.setOptions(Persistent.CreateReq.Options.newBuilder()
				.setGroupName(uniqueStream("bad-regex"))
				.setAll(Persistent.CreateReq.AllOptions.newBuilder()
					.setStart(Shared.Empty.getDefaultInstance())
					.setFilter(Persistent.CreateReq.AllOptions.FilterOptions.newBuilder()
						.setStreamIdentifier(
								Persistent.CreateReq.AllOptions.FilterOptions.Expression.newBuilder().setRegex(regex))
						.setCount(Shared.Empty.getDefaultInstance())
						.setCheckpointIntervalMultiplier(1)))
				.setSettings(Persistent.CreateReq.Settings.newBuilder()
					.setReadBatchSize(20)
					.setHistoryBufferSize(500)
					.setLiveBufferSize(500)
					.setMaxCheckpointCount(1000)
					.setMinCheckpointCount(10)
					.setMessageTimeoutMs(30000)
					.setCheckpointAfterMs(2000)
					.setNamedConsumerStrategy(Persistent.CreateReq.ConsumerStrategy.RoundRobin)))
			.build();
	}

	private static StatusRuntimeException createError(Persistent.CreateReq request) {
		try {
			PersistentSubscriptionsGrpc.newBlockingStub(channel)
				.withDeadlineAfter(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS)
				.create(request);
		}
		catch (StatusRuntimeException ex) {
			return ex;
		}
		throw new AssertionError("Expected an error");
	}

	@Test
	void invalidFilterRegexesAreRejected() {
		// The official client compiles a regex before sending it; other clients do not.
		assertInvalid(filteredAllSubscription("("), "Invalid filter regex '(': Unclosed group");
		StatusRuntimeException create = createError(filteredAllGroup("("));
		assertThat(create.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(create.getStatus().getDescription()).isEqualTo("Invalid filter regex '('.");
		// So deeply nested that compiling it overflows the stack: still just a bad filter, and the message quotes only
		// the start of the expression (quoting all of it would exceed the client's 8 KiB metadata limit).
		String nested = "(".repeat(100_000) + "a" + ")".repeat(100_000);
		assertInvalid(filteredAllSubscription(nested), "Invalid filter regex '((((");
		StatusRuntimeException nestedCreate = createError(filteredAllGroup(nested));
		assertThat(nestedCreate.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(nestedCreate.getStatus().getDescription()).startsWith("Invalid filter regex '((((");
		// The server still serves.
		assertInvalid(filteredAllSubscription("("), "Unclosed group");
	}

	@Test
	void appendsWithoutRequiredMetadataOrExpectedStateAreRejected() throws Exception {
		AppendReq options = AppendReq.newBuilder()
			.setOptions(AppendReq.Options.newBuilder()
				.setStreamIdentifier(Shared.StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8("bad")))
				.setAny(Shared.Empty.getDefaultInstance()))
			.build();
		AppendReq noType = AppendReq.newBuilder()
			.setProposedMessage(AppendReq.ProposedMessage.newBuilder()
				.setId(Shared.UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()))
				.putMetadata("content-type", "application/json")
				.setData(ByteString.copyFromUtf8("{}")))
			.build();
		StatusRuntimeException missing = append(List.of(options, noType));
		assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(missing.getTrailers().get(StreamsReadWriteTest.key("exception")))
			.isEqualTo("missing-required-metadata-property");
		assertThat(missing.getTrailers().get(StreamsReadWriteTest.key("required-metadata-properties")))
			.isEqualTo("type,content-type");

		AppendReq noExpected = AppendReq.newBuilder()
			.setOptions(AppendReq.Options.newBuilder()
				.setStreamIdentifier(Shared.StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8("bad"))))
			.build();
		StatusRuntimeException noOneof = append(List.of(noExpected));
		assertThat(noOneof.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(server.store().streamInfo("bad").lastRevision()).isEqualTo(-1);
	}

	private static StatusRuntimeException append(List<AppendReq> requests) throws Exception {
		CompletableFuture<AppendResp> result = new CompletableFuture<>();
		StreamObserver<AppendReq> call = StreamsGrpc.newStub(channel).append(observer(result));
		requests.forEach(call::onNext);
		call.onCompleted();
		try {
			result.get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return (StatusRuntimeException) ex.getCause();
		}
		throw new AssertionError("Expected an error");
	}

	private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
		return new StreamObserver<>() {
			@Override
			public void onNext(T value) {
				result.complete(value);
			}

			@Override
			public void onError(Throwable t) {
				result.completeExceptionally(t);
			}

			@Override
			public void onCompleted() {
			}
		};
	}

	@Test
	void persistentReadStartingWithAnAckOrWithoutASourceIsRejected() throws Exception {
		// Before this was an INVALID_ARGUMENT the call just hung: the ack was ignored and no group was opened.
		Persistent.ReadReq ack = Persistent.ReadReq.newBuilder()
			.setAck(Persistent.ReadReq.Ack.newBuilder()
				.setId(ByteString.copyFromUtf8("s::g"))
				.addIds(Shared.UUID.newBuilder().setString(java.util.UUID.randomUUID().toString())))
			.build();
		assertThat(persistentRead(ack).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		Persistent.ReadReq noSource = Persistent.ReadReq.newBuilder()
			.setOptions(Persistent.ReadReq.Options.newBuilder()
				.setGroupName("g")
				.setBufferSize(10)
				.setUuidOption(Persistent.ReadReq.Options.UUIDOption.newBuilder()
					.setStructured(Shared.Empty.getDefaultInstance())))
			.build();
		assertThat(persistentRead(noSource).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
	}

	private static StatusRuntimeException persistentRead(Persistent.ReadReq first) throws Exception {
		CompletableFuture<Persistent.ReadResp> result = new CompletableFuture<>();
		StreamObserver<Persistent.ReadReq> call = PersistentSubscriptionsGrpc.newStub(channel).read(observer(result));
		call.onNext(first);
		try {
			Persistent.ReadResp response = result.get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
			throw new AssertionError("Expected an error, got " + response);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return (StatusRuntimeException) ex.getCause();
		}
		finally {
			call.onCompleted();
		}
	}

	@Test
	void emptyAppendSessionIsAFailedPrecondition() {
		CompletableFuture<AppendSessionResponse> result = new CompletableFuture<>();
		StreamObserver<AppendRequest> call = StreamsServiceGrpc.newStub(channel).appendSession(observer(result));
		call.onCompleted();
		assertThatThrownBy(() -> result.get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS)).cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
	}

	@Test
	void stalledSubscriberDoesNotBlockWritersOrOtherReaders() throws Exception {
		String stream = uniqueStream("stall");
		byte[] payload = new byte[1024];
		for (int batch = 0; batch < 20; batch++) {
			EventData[] events = new EventData[100];
			for (int i = 0; i < events.length; i++) {
				events[i] = EventData.builderAsBinary("Blob", payload).build();
			}
			server.client().appendToStream(stream, events).get();
		}
		AtomicInteger received = new AtomicInteger();
		CompletableFuture<Void> done = new CompletableFuture<>();
		ReadReq subscribe = ReadReq.newBuilder()
			.setOptions(ReadReq.Options.newBuilder()
				.setStream(ReadReq.Options.StreamOptions.newBuilder()
					.setStreamIdentifier(Shared.StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)))
					.setStart(Shared.Empty.getDefaultInstance()))
				.setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
				.setNoFilter(Shared.Empty.getDefaultInstance())
				.setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Shared.Empty.getDefaultInstance())))
			.build();
		ClientCallStreamObserver<?>[] stalled = new ClientCallStreamObserver<?>[1];
		StreamsGrpc.newStub(channel).read(subscribe, new ClientResponseObserver<ReadReq, ReadResp>() {
			@Override
			public void beforeStart(ClientCallStreamObserver<ReadReq> requestStream) {
				stalled[0] = requestStream;
				requestStream.disableAutoRequestWithInitial(5);
			}

			@Override
			public void onNext(ReadResp value) {
				received.incrementAndGet();
			}

			@Override
			public void onError(Throwable t) {
				done.completeExceptionally(t);
			}

			@Override
			public void onCompleted() {
				done.complete(null);
			}
		});
		await().atMost(TestSupport.WAIT).until(() -> received.get() == 5);
		// The stalled call requested 5 messages; writers and other readers carry on.
		server.client().appendToStream(stream, json("E", "{}")).get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(server.client()
			.readStream(stream, ReadStreamOptions.get())
			.get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS)
			.getEvents()).hasSize(2001);
		assertThat(received.get()).isEqualTo(5);
		((ClientCallStreamObserver<ReadReq>) stalled[0]).request(Integer.MAX_VALUE);
		await().atMost(TestSupport.WAIT).until(() -> received.get() >= 2003);
		stalled[0].cancel("done", null);
	}

}
