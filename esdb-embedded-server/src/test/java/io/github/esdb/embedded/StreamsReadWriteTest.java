package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.body;
import static io.github.esdb.embedded.TestSupport.cause;
import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteResult;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Append, read, delete, tombstone and metadata through the official client over TCP. */
class StreamsReadWriteTest {

	@RegisterExtension
	static final TestServer server = new TestServer((builder) -> builder.maxAppendSize(64 * 1024).maxEventSize(16 * 1024));

	private static EventData[] events(int count) {
		return IntStream.range(0, count).mapToObj((i) -> json("Happened", "{\"n\":" + i + "}")).toArray(EventData[]::new);
	}

	@Test
	void appendsAndReadsForwardsAndBackwards() throws Exception {
		String stream = uniqueStream("rw");
		Instant before = Instant.now();
		WriteResult first = server.client().appendToStream(stream, events(3)).get();
		assertThat(first.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(2));
		Position position = first.getLogPosition();
		assertThat(position.getCommitUnsigned()).isPositive().isEqualTo(position.getPrepareUnsigned());

		ReadResult forwards = server.client().readStream(stream, ReadStreamOptions.get()).get();
		assertThat(forwards.getEvents()).extracting(TestSupport::body)
			.containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
		assertThat(forwards.getLastStreamPosition()).isEqualTo(2);
		RecordedEvent last = forwards.getEvents().get(2).getEvent();
		assertThat(last.getRevision()).isEqualTo(2);
		assertThat(last.getPosition()).isEqualTo(position);
		assertThat(last.getEventType()).isEqualTo("Happened");
		assertThat(last.getContentType()).isEqualTo("application/json");
		assertThat(last.getCreated()).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
		assertThat(forwards.getEvents().get(0).getPosition().get().getCommitUnsigned())
			.isLessThan(forwards.getEvents().get(1).getPosition().get().getCommitUnsigned());

		ReadResult backwards = server.client().readStream(stream, ReadStreamOptions.get().backwards().fromEnd()).get();
		assertThat(backwards.getEvents()).extracting(TestSupport::body)
			.containsExactly("{\"n\":2}", "{\"n\":1}", "{\"n\":0}");

		ReadResult fromRevision = server.client().readStream(stream, ReadStreamOptions.get().fromRevision(1).maxCount(1)).get();
		assertThat(fromRevision.getEvents()).extracting(TestSupport::body).containsExactly("{\"n\":1}");

		ReadResult backwardsFrom1 = server.client().readStream(stream, ReadStreamOptions.get().backwards().fromRevision(1))
			.get();
		assertThat(backwardsFrom1.getEvents()).extracting(TestSupport::body).containsExactly("{\"n\":1}", "{\"n\":0}");
	}

	@Test
	void readingPastTheEndReportsTheNextRevision() throws Exception {
		String stream = uniqueStream("past");
		server.client().appendToStream(stream, events(2)).get();
		ReadResult past = server.client().readStream(stream, ReadStreamOptions.get().fromRevision(10)).get();
		assertThat(past.getEvents()).isEmpty();
		assertThat(past.getFirstStreamPosition()).isEqualTo(2);
		assertThat(past.getLastStreamPosition()).isEqualTo(1);
		assertThat(server.client().readStream(stream, ReadStreamOptions.get().fromEnd()).get().getEvents()).isEmpty();
	}

	@Test
	void unresolvableLinksAreDeliveredWithoutTheirTarget() throws Exception {
		String target = uniqueStream("t");
		String links = uniqueStream("l");
		server.client().appendToStream(target, events(1)).get();
		server.client().appendToStream(links, EventData.builderAsBinary("$>", ("0@" + target).getBytes(StandardCharsets.UTF_8)).build(),
				EventData.builderAsBinary("$>", ("7@" + target).getBytes(StandardCharsets.UTF_8)).build())
			.get();
		List<ResolvedEvent> resolved = server.client().readStream(links, ReadStreamOptions.get().resolveLinkTos()).get().getEvents();
		assertThat(resolved).hasSize(2);
		assertThat(resolved.get(0).getEvent().getStreamId()).isEqualTo(target);
		assertThat(resolved.get(0).getLink().getStreamId()).isEqualTo(links);
		assertThat(resolved.get(1).getEvent()).isNull();
		assertThat(resolved.get(1).getOriginalEvent().getEventType()).isEqualTo("$>");
		List<ResolvedEvent> raw = server.client().readStream(links, ReadStreamOptions.get()).get().getEvents();
		assertThat(raw.get(0).getEvent().getEventType()).isEqualTo("$>");
		assertThat(raw.get(0).getLink()).isNull();
	}

	@Test
	void keepsIdsBinaryPayloadAndUserMetadata() throws Exception {
		String stream = uniqueStream("binary");
		UUID id = UUID.randomUUID();
		byte[] data = { 0, 1, 2, (byte) 0xff };
		server.client().appendToStream(stream,
				EventData.builderAsBinary(id, "Bin", data).metadataAsBytes("meta".getBytes(StandardCharsets.UTF_8)).build())
			.get();
		RecordedEvent event = server.client().readStream(stream, ReadStreamOptions.get()).get().getEvents().get(0).getEvent();
		assertThat(event.getEventId()).isEqualTo(id);
		assertThat(event.getEventData()).isEqualTo(data);
		assertThat(event.getUserMetadata()).isEqualTo("meta".getBytes(StandardCharsets.UTF_8));
		assertThat(event.getContentType()).isEqualTo("application/octet-stream");
		assertThat(event.getStreamId()).isEqualTo(stream);
	}

	@Test
	void missingStreamIsNotFound() {
		assertThatThrownBy(() -> server.client().readStream(uniqueStream("missing"), ReadStreamOptions.get()).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamNotFoundException.class));
	}

	@Test
	void expectedStatesAreChecked() throws Exception {
		String stream = uniqueStream("expect");
		server.client().appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()), events(1)).get();
		assertThatThrownBy(() -> server.client()
			.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()), events(1))
			.get()).satisfies((t) -> {
				WrongExpectedVersionException wev = (WrongExpectedVersionException) cause(t);
				assertThat(wev.getStreamName()).isEqualTo(stream);
				assertThat(wev.getActualState()).isEqualTo(StreamState.streamRevision(0));
			});
		assertThatThrownBy(() -> server.client()
			.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.streamRevision(5)), events(1))
			.get()).satisfies((t) -> {
				WrongExpectedVersionException wev = (WrongExpectedVersionException) cause(t);
				assertThat(wev.getExpectedState()).isEqualTo(StreamState.streamRevision(5));
				assertThat(wev.getActualState()).isEqualTo(StreamState.streamRevision(0));
			});
		String absent = uniqueStream("absent");
		assertThatThrownBy(() -> server.client()
			.appendToStream(absent, AppendToStreamOptions.get().streamState(StreamState.streamExists()), events(1))
			.get()).satisfies((t) -> {
				WrongExpectedVersionException wev = (WrongExpectedVersionException) cause(t);
				assertThat(wev.getExpectedState()).isEqualTo(StreamState.streamExists());
				assertThat(wev.getActualState()).isEqualTo(StreamState.noStream());
			});
		WriteResult ok = server.client()
			.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.streamRevision(0)), events(2))
			.get();
		assertThat(ok.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(2));
		WriteResult exists = server.client()
			.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.streamExists()), events(1))
			.get();
		assertThat(exists.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(3));
	}

	@Test
	void reappendingTheSameEventIdsIsIdempotent() throws Exception {
		String stream = uniqueStream("idem");
		EventData a = json(UUID.randomUUID(), "A", "{}");
		EventData b = json(UUID.randomUUID(), "B", "{}");
		WriteResult first = server.client()
			.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()), a, b)
			.get();
		WriteResult again = server.client()
			.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()), a, b)
			.get();
		WriteResult againAny = server.client().appendToStream(stream, a, b).get();
		assertThat(again.getLogPosition()).isEqualTo(first.getLogPosition());
		assertThat(again.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(1));
		assertThat(againAny.getLogPosition()).isEqualTo(first.getLogPosition());
		assertThat(server.client().readStream(stream, ReadStreamOptions.get()).get().getEvents()).hasSize(2);
	}

	@Test
	void sizeLimitsAreEnforced() {
		String stream = uniqueStream("size");
		EventData big = EventData.builderAsBinary("Big", new byte[20 * 1024]).build();
		assertThatThrownBy(() -> server.client().appendToStream(stream, big).get()).satisfies((t) -> {
			StatusRuntimeException ex = (StatusRuntimeException) cause(t);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getTrailers().get(key("exception"))).isEqualTo("maximum-append-event-size-exceeded");
			assertThat(ex.getTrailers().get(key("maximum-append-event-size"))).isEqualTo("16384");
			assertThat(ex.getTrailers().get(key("event-id"))).isEqualTo(big.getEventId().toString());
		});
		EventData[] many = IntStream.range(0, 8)
			.mapToObj((i) -> EventData.builderAsBinary("Chunk", new byte[10 * 1024]).build())
			.toArray(EventData[]::new);
		assertThatThrownBy(() -> server.client().appendToStream(stream, many).get()).satisfies((t) -> {
			StatusRuntimeException ex = (StatusRuntimeException) cause(t);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getTrailers().get(key("exception"))).isEqualTo("maximum-append-size-exceeded");
			assertThat(ex.getTrailers().get(key("maximum-append-size"))).isEqualTo("65536");
		});
		assertThatThrownBy(() -> server.client().readStream(stream, ReadStreamOptions.get()).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamNotFoundException.class));
	}

	static io.grpc.Metadata.Key<String> key(String name) {
		return io.grpc.Metadata.Key.of(name, io.grpc.Metadata.ASCII_STRING_MARSHALLER);
	}

	@Test
	void softDeleteHidesTheStreamAndAppendsContinueNumbering() throws Exception {
		String stream = uniqueStream("soft");
		server.client().appendToStream(stream, events(2)).get();
		DeleteResult deleted = server.client().deleteStream(stream).get();
		assertThat(deleted.getPosition().getCommitUnsigned()).isPositive();
		assertThatThrownBy(() -> server.client().readStream(stream, ReadStreamOptions.get()).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamNotFoundException.class));
		assertThat(server.client().getStreamMetadata(stream).get().getTruncateBefore()).isEqualTo(Long.MAX_VALUE);

		WriteResult result = server.client().appendToStream(stream, json("Again", "{\"n\":9}")).get();
		assertThat(result.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(2));
		List<ResolvedEvent> events = server.client().readStream(stream, ReadStreamOptions.get()).get().getEvents();
		assertThat(events).hasSize(1);
		assertThat(events.get(0).getEvent().getRevision()).isEqualTo(2);
		assertThat(server.client().getStreamMetadata(stream).get().getTruncateBefore()).isEqualTo(2L);
	}

	@Test
	void tombstonePermanentlyDeletes() throws Exception {
		String stream = uniqueStream("tomb");
		server.client().appendToStream(stream, events(1)).get();
		server.client().tombstoneStream(stream).get();
		assertThatThrownBy(() -> server.client().appendToStream(stream, events(1)).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamDeletedException.class));
		assertThatThrownBy(() -> server.client().tombstoneStream(stream).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamDeletedException.class));
		assertThatThrownBy(() -> server.client().readStream(stream, ReadStreamOptions.get()).get()).satisfies((t) -> {
			StatusRuntimeException ex = (StatusRuntimeException) cause(t);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			assertThat(ex.getTrailers().get(key("exception"))).isEqualTo("stream-deleted");
		});
	}

	@Test
	void deleteChecksTheExpectedState() {
		String stream = uniqueStream("del");
		assertThatThrownBy(() -> server.client()
			.tombstoneStream(stream, DeleteStreamOptions.get().streamState(StreamState.streamExists()))
			.get()).satisfies((t) -> {
				WrongExpectedVersionException wev = (WrongExpectedVersionException) cause(t);
				assertThat(wev.getExpectedState()).isEqualTo(StreamState.streamExists());
				assertThat(wev.getActualState()).isEqualTo(StreamState.noStream());
			});
	}

	@Test
	void deletingASoftDeletedStreamUsesTheAppendRules() throws Exception {
		// Delete and tombstone share the append's commit check: soft-deleted is "deleted" to StreamExists and
		// "absent" to NoStream.
		String stream = uniqueStream("redel");
		server.client().appendToStream(stream, events(2)).get();
		server.client().deleteStream(stream).get();
		assertThatThrownBy(() -> server.client()
			.deleteStream(stream, DeleteStreamOptions.get().streamState(StreamState.streamExists()))
			.get()).satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamDeletedException.class));
		assertThatThrownBy(() -> server.client()
			.tombstoneStream(stream, DeleteStreamOptions.get().streamState(StreamState.streamExists()))
			.get()).satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamDeletedException.class));
		server.client().tombstoneStream(stream, DeleteStreamOptions.get().streamState(StreamState.noStream())).get();
		assertThatThrownBy(() -> server.client().appendToStream(stream, events(1)).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(StreamDeletedException.class));
	}

	@Test
	void metadataMaxCountHidesOlderEvents() throws Exception {
		String stream = uniqueStream("meta");
		server.client().appendToStream(stream, events(5)).get();
		StreamMetadata metadata = new StreamMetadata();
		metadata.setMaxCount(2L);
		server.client().setStreamMetadata(stream, metadata).get();
		metadata.setMaxCount(3L);
		server.client().setStreamMetadata(stream, metadata).get();
		assertThat(server.client().getStreamMetadata(stream).get().getMaxCount()).isEqualTo(3L);
		assertThat(server.client().readStream(stream, ReadStreamOptions.get()).get().getEvents()).extracting(TestSupport::body)
			.containsExactly("{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
		assertThat(server.client().readStream("$$" + stream, ReadStreamOptions.get()).get().getEvents()).hasSize(1);
		StreamMetadata truncate = new StreamMetadata();
		truncate.setTruncateBefore(4L);
		server.client().setStreamMetadata(stream, truncate).get();
		assertThat(server.client().readStream(stream, ReadStreamOptions.get()).get().getEvents()).extracting(TestSupport::body)
			.containsExactly("{\"n\":4}");
	}

	@Test
	void readsAllInCommitOrder() throws Exception {
		String a = uniqueStream("all-a");
		String b = uniqueStream("all-b");
		WriteResult first = server.client().appendToStream(a, json("X", "{\"s\":1}")).get();
		server.client().appendToStream(b, json("X", "{\"s\":2}")).get();
		server.client().appendToStream(a, json("X", "{\"s\":3}")).get();
		ReadResult all = server.client().readAll(ReadAllOptions.get().fromPosition(first.getLogPosition())).get();
		List<String> mine = all.getEvents()
			.stream()
			.filter((e) -> e.getEvent().getStreamId().equals(a) || e.getEvent().getStreamId().equals(b))
			.map(TestSupport::body)
			.toList();
		assertThat(mine).containsExactly("{\"s\":1}", "{\"s\":2}", "{\"s\":3}");
		long previous = 0;
		for (ResolvedEvent event : server.client().readAll(ReadAllOptions.get().fromStart()).get().getEvents()) {
			long commit = event.getEvent().getPosition().getCommitUnsigned();
			assertThat(commit).isGreaterThan(previous);
			previous = commit;
		}
		// Backwards: the system projections' links of the last append come first, then this test's events.
		List<ResolvedEvent> backwards = server.client()
			.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(20))
			.get()
			.getEvents()
			.stream()
			.filter((e) -> e.getEvent().getStreamId().equals(a) || e.getEvent().getStreamId().equals(b))
			.toList();
		assertThat(backwards).extracting(TestSupport::body).startsWith("{\"s\":3}", "{\"s\":2}");
	}

}
