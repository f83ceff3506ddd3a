package io.github.esdb.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.esdb.embedded.store.FsyncPolicy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Durable mode through the official client: a server built again on the same data directory serves the same log
 * (same positions, ids, metadata, deletions), a torn or corrupt end of the log file is cut at start, and a data
 * directory in use keeps a second server out.
 */
class DurableModeTest {

	@TempDir
	Path dataDir;

	@Test
	void everythingSurvivesARestartWithTheSamePositions() throws Exception {
		String events = uniqueStream("orders");
		String capped = uniqueStream("capped");
		String truncated = uniqueStream("truncated");
		String softDeleted = uniqueStream("soft");
		String tombstoned = uniqueStream("hard");
		List<String> before;
		try (Running first = new Running(this.dataDir, FsyncPolicy.ALWAYS)) {
			KurrentDBClient client = first.client;
			client.appendToStream(events, json("Placed", "{\"n\":0}"), json("Placed", "{\"n\":1}")).get();
			client.appendToStream(events, json("Shipped", "{\"n\":2}")).get();
			for (int i = 0; i < 4; i++) {
				client.appendToStream(capped, json("Tick", "{\"n\":" + i + "}")).get();
				client.appendToStream(truncated, json("Tick", "{\"n\":" + i + "}")).get();
			}
			StreamMetadata maxCount = new StreamMetadata();
			maxCount.setMaxCount(2L);
			client.setStreamMetadata(capped, maxCount).get();
			StreamMetadata truncateBefore = new StreamMetadata();
			truncateBefore.setTruncateBefore(3L);
			client.setStreamMetadata(truncated, truncateBefore).get();
			client.appendToStream(softDeleted, json("Gone", "{}")).get();
			client.deleteStream(softDeleted, DeleteStreamOptions.get()).get();
			client.appendToStream(tombstoned, json("Gone", "{}")).get();
			client.tombstoneStream(tombstoned, DeleteStreamOptions.get()).get();
			before = all(client);
		}

		try (Running second = new Running(this.dataDir, FsyncPolicy.ALWAYS)) {
			KurrentDBClient client = second.client;
			// The whole $all, system events and projection links included: same records, ids and positions.
			assertThat(all(client)).isEqualTo(before);
			assertThat(revisions(client, events)).containsExactly(0L, 1L, 2L);
			assertThat(revisions(client, capped)).containsExactly(2L, 3L);
			assertThat(client.getStreamMetadata(capped).get().getMaxCount()).isEqualTo(2L);
			assertThat(revisions(client, truncated)).containsExactly(3L);
			assertThat(cause(() -> client.readStream(softDeleted, ReadStreamOptions.get()).get()))
				.isInstanceOf(StreamNotFoundException.class);
			assertThat(cause(() -> client.readStream(tombstoned, ReadStreamOptions.get()).get()))
				.isInstanceOfSatisfying(StatusRuntimeException.class,
						(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
				.hasMessageContaining("is deleted");
			assertThat(cause(() -> client.appendToStream(tombstoned, json("Again", "{}")).get()))
				.isInstanceOf(StreamDeletedException.class);
			// Writing goes on after the recovered log: the next revision, the next position.
			long lastPosition = client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(1))
				.get()
				.getEvents()
				.get(0)
				.getOriginalEvent()
				.getPosition()
				.getCommitUnsigned();
			var result = client
				.appendToStream(events, AppendToStreamOptions.get().streamState(StreamState.streamRevision(2)),
						json("Delivered", "{\"n\":3}"))
				.get();
			assertThat(result.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(3));
			assertThat(result.getLogPosition().getCommitUnsigned()).isEqualTo(lastPosition + 1);
			// An idempotent re-append of an event written before the restart is recognised by its id.
			RecordedEvent shipped = client.readStream(events, ReadStreamOptions.get().fromRevision(2).maxCount(1))
				.get()
				.getEvents()
				.get(0)
				.getOriginalEvent();
			var again = client
				.appendToStream(events, AppendToStreamOptions.get().streamState(StreamState.streamRevision(1)),
						json(shipped.getEventId(), "Shipped", "{\"n\":2}"))
				.get();
			assertThat(again.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(2));
			assertThat(revisions(client, events)).containsExactly(0L, 1L, 2L, 3L);
			// The system projections went on where the log left them: one $ce- link per event, none twice.
			String category = "$ce-" + events.substring(0, events.indexOf('-'));
			List<String> linked = client.readStream(category, ReadStreamOptions.get().fromStart().resolveLinkTos())
				.get()
				.getEvents()
				.stream()
				.filter((link) -> link.getEvent() != null && link.getEvent().getStreamId().equals(events))
				.map((link) -> link.getLink().getRevision() + ">" + link.getEvent().getRevision())
				.toList();
			assertThat(linked).hasSize(4).extracting((entry) -> entry.substring(entry.indexOf('>') + 1))
				.containsExactly("0", "1", "2", "3");
		}
	}

	@Test
	void aTornLastCommitIsCutAndEverythingBeforeItIsKept() throws Exception {
		String stream = uniqueStream("torn");
		List<String> beforeLast;
		try (Running first = new Running(this.dataDir, FsyncPolicy.NEVER)) {
			for (int i = 0; i < 5; i++) {
				first.client.appendToStream(stream, json("E", "{\"n\":" + i + "}")).get();
			}
			beforeLast = all(first.client);
			first.client.appendToStream(stream, json("E", "{\"n\":5}")).get();
		}
		Path log = this.dataDir.resolve("events.log");
		long size = Files.size(log);
		// A crash in the middle of writing the last commit: its end record is missing a few bytes.
		try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
			channel.truncate(size - 3);
		}

		try (Running second = new Running(this.dataDir, FsyncPolicy.NEVER)) {
			assertThat(all(second.client)).isEqualTo(beforeLast);
			assertThat(revisions(second.client, stream)).containsExactly(0L, 1L, 2L, 3L, 4L);
			assertThat(cutFiles()).hasSize(1);
			second.client.appendToStream(stream, json("E", "{\"n\":5}")).get();
		}
		try (Running third = new Running(this.dataDir, FsyncPolicy.NEVER)) {
			assertThat(revisions(third.client, stream)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
			assertThat(cutFiles()).hasSize(1);
		}
	}

	@Test
	void aCorruptLastRecordIsCut() throws Exception {
		String stream = uniqueStream("corrupt");
		List<String> beforeLast;
		long sizeBeforeLast;
		try (Running first = new Running(this.dataDir, FsyncPolicy.INTERVAL)) {
			for (int i = 0; i < 3; i++) {
				first.client.appendToStream(stream, json("E", "{\"n\":" + i + "}")).get();
			}
			beforeLast = all(first.client);
			sizeBeforeLast = Files.size(this.dataDir.resolve("events.log"));
			first.client.appendToStream(stream, json("E", "{\"payload\":\"" + "x".repeat(200) + "\"}")).get();
		}
		Path log = this.dataDir.resolve("events.log");
		// A bad sector in the last commit: one byte of its payload changes, its checksum no longer matches.
		try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer one = ByteBuffer.allocate(1);
			long at = sizeBeforeLast + 100;
			channel.read(one, at);
			one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
			channel.write(one, at);
		}

		try (Running second = new Running(this.dataDir, FsyncPolicy.INTERVAL)) {
			assertThat(all(second.client)).isEqualTo(beforeLast);
			assertThat(revisions(second.client, stream)).containsExactly(0L, 1L, 2L);
			assertThat(Files.size(log)).isEqualTo(sizeBeforeLast);
		}
	}

	@Test
	void aResetEmptiesTheFileAndPositionsGoOnAfterIt() throws Exception {
		String gone = uniqueStream("gone");
		String kept = uniqueStream("kept");
		List<String> afterReset;
		try (Running first = new Running(this.dataDir, FsyncPolicy.NEVER)) {
			first.client.appendToStream(gone, json("E", "{}")).get();
			long beforeReset = first.server.store().lastPosition();
			first.server.reset();
			first.client.appendToStream(kept, json("E", "{}")).get();
			afterReset = all(first.client);
			assertThat(afterReset.get(0)).startsWith((beforeReset + 1) + "/");
		}
		try (Running second = new Running(this.dataDir, FsyncPolicy.NEVER)) {
			assertThat(all(second.client)).isEqualTo(afterReset);
			assertThat(cause(() -> second.client.readStream(gone, ReadStreamOptions.get()).get()))
				.isInstanceOf(StreamNotFoundException.class);
			assertThat(revisions(second.client, kept)).containsExactly(0L);
		}
	}

	@Test
	void aSecondServerOnADataDirectoryInUseFailsClearly() {
		EmbeddedEsdbServer first = EmbeddedEsdbServer.builder().dataDir(this.dataDir).build();
		try {
			assertThatIllegalStateException()
				.isThrownBy(() -> EmbeddedEsdbServer.builder().dataDir(this.dataDir).build())
				.withMessageContaining("The data directory " + this.dataDir.toAbsolutePath())
				.withMessageContaining("is in use by another embedded KurrentDB server")
				.withMessageContaining("give this one another data directory");
		}
		finally {
			first.close();
		}
		// Released on close: the next server opens it.
		EmbeddedEsdbServer next = EmbeddedEsdbServer.builder().dataDir(this.dataDir).build();
		next.close();
		assertThatIllegalStateException().isThrownBy(next::start).withMessageContaining("build a new server");
	}

	@Test
	void aFileThatIsNotALogIsRefused() throws IOException {
		Files.writeString(this.dataDir.resolve("events.log"), "this is not an event log, but a text file");
		assertThatIllegalStateException().isThrownBy(() -> EmbeddedEsdbServer.builder().dataDir(this.dataDir).build())
			.withMessageContaining("is not an embedded KurrentDB log file");
		// The refused attempt released the directory.
		Files.delete(this.dataDir.resolve("events.log"));
		EmbeddedEsdbServer.builder().dataDir(this.dataDir).build().close();
	}

	private List<Path> cutFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.dataDir)) {
			return files.filter((file) -> file.getFileName().toString().startsWith("events.log.cut-")).toList();
		}
	}

	/** Every record of $all as "position stream@revision type id". */
	private static List<String> all(KurrentDBClient client) throws Exception {
		List<String> records = new ArrayList<>();
		for (ResolvedEvent resolved : client.readAll(ReadAllOptions.get().fromStart().maxCount(100_000))
			.get()
			.getEvents()) {
			RecordedEvent event = resolved.getOriginalEvent();
			records.add(event.getPosition().getCommitUnsigned() + "/" + event.getPosition().getPrepareUnsigned() + " "
					+ event.getStreamId() + "@" + event.getRevision() + " " + event.getEventType() + " "
					+ event.getEventId() + " " + event.getCreated() + " "
					+ new String(event.getEventData(), StandardCharsets.UTF_8));
		}
		return records;
	}

	private static List<Long> revisions(KurrentDBClient client, String stream) throws Exception {
		return client.readStream(stream, ReadStreamOptions.get().fromStart())
			.get()
			.getEvents()
			.stream()
			.map((event) -> event.getOriginalEvent().getRevision())
			.toList();
	}

	private static Throwable cause(Attempt attempt) {
		try {
			attempt.run();
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (Exception ex) {
			return ex;
		}
		throw new AssertionError("expected a failure");
	}

	@FunctionalInterface
	private interface Attempt {

		void run() throws Exception;

	}

	/** A durable server on the directory and a client of it; closing releases both (and the directory). */
	private static final class Running implements AutoCloseable {

		final EmbeddedEsdbServer server;

		final KurrentDBClient client;

		Running(Path dataDir, FsyncPolicy fsync) {
			this.server = EmbeddedEsdbServer.builder().dataDir(dataDir).fsync(fsync).build().start();
			// Patient discovery: reset() restarts the server under the client.
			this.client = TestSupport
				.client(this.server.connectionString() + "&maxDiscoverAttempts=50&discoveryInterval=100");
		}

		@Override
		public void close() throws Exception {
			try {
				this.client.shutdown().get(10, TimeUnit.SECONDS);
			}
			finally {
				this.server.close();
			}
		}

	}

}
