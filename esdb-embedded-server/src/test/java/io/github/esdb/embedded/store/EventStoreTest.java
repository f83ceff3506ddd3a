package io.github.esdb.embedded.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The storage API the gRPC services (ours and persistent subscriptions) build on. */
class EventStoreTest {

	private static ProposedEvent event(String body) {
		return new ProposedEvent(UUID.randomUUID(), "T", true, body.getBytes(StandardCharsets.UTF_8), new byte[0]);
	}

	@Test
	void positionsStartAboveZeroAndIncreaseInCommitOrder() {
		EventStore store = new EventStore();
		AppendResult.Success a = (AppendResult.Success) store.append("a", ExpectedRevision.NO_STREAM,
				List.of(event("1"), event("2")));
		AppendResult.Success b = (AppendResult.Success) store.append("b", ExpectedRevision.ANY, List.of(event("3")));
		assertThat(a.position()).isEqualTo(2);
		assertThat(a.currentRevision()).isEqualTo(1);
		assertThat(b.position()).isEqualTo(3);
		assertThat(store.readAllForwards(1, 10)).extracting(StoredEvent::position).containsExactly(1L, 2L, 3L);
		assertThat(store.readAllBackwards(store.lastPosition() + 1, 2)).extracting(StoredEvent::position)
			.containsExactly(3L, 2L);
		assertThat(store.eventAt(2)).get().extracting(StoredEvent::stream).isEqualTo("a");
		assertThat(store.readAllForwards(1, 10).get(0).created())
			.isLessThan(store.readAllForwards(1, 10).get(1).created());
	}

	@Test
	void maxAgeHidesExpiredEvents() {
		MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
		EventStore store = new EventStore(clock);
		store.append("s", ExpectedRevision.ANY, List.of(event("old")));
		clock.now = clock.now.plusSeconds(100);
		store.append("s", ExpectedRevision.ANY, List.of(event("new")));
		store.append("$$s", ExpectedRevision.ANY, List.of(new ProposedEvent(UUID.randomUUID(), "$metadata", true,
				"{\"$maxAge\":50}".getBytes(StandardCharsets.UTF_8), new byte[0])));
		StreamReadResult.Events events = (StreamReadResult.Events) store.readStream("s", 0, true, 10);
		assertThat(events.events()).extracting((e) -> new String(e.data(), StandardCharsets.UTF_8))
			.containsExactly("new");
		assertThat(events.firstVisibleRevision()).isEqualTo(1);
		assertThat(store.streamInfo("s").metadata().maxAgeSeconds()).isEqualTo(50L);
	}

	@Test
	void atomicAppendWritesNothingWhenOneStreamFails() {
		EventStore store = new EventStore();
		List<AppendResult> results = store.appendAtomically(
				List.of(new StreamAppend("x", ExpectedRevision.ANY, List.of(event("1"))),
						new StreamAppend("y", ExpectedRevision.STREAM_EXISTS, List.of(event("2")))));
		assertThat(results).singleElement().isInstanceOf(AppendResult.WrongExpectedVersion.class);
		assertThat(store.lastPosition()).isZero();
	}

	@Test
	void commitListenersAndAwaitSeeNewEvents() throws Exception {
		EventStore store = new EventStore();
		AtomicInteger commits = new AtomicInteger();
		Registration registration = store.onCommit(commits::incrementAndGet);
		CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return store.awaitCommit(0, Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		store.append("s", ExpectedRevision.ANY, List.of(event("1")));
		assertThat(waiter.get()).isTrue();
		registration.close();
		store.append("s", ExpectedRevision.ANY, List.of(event("2")));
		assertThat(commits.get()).isEqualTo(1);
		assertThat(store.awaitCommit(2, Duration.ofMillis(10))).isFalse();
	}

	@Test
	void streamListenersHearOfTheirStreamAndItsMetadataOnly() {
		EventStore store = new EventStore();
		AtomicInteger ofS = new AtomicInteger();
		AtomicInteger ofOther = new AtomicInteger();
		Registration registration = store.onCommit("s", ofS::incrementAndGet);
		store.onCommit("other", ofOther::incrementAndGet);
		store.append("x", ExpectedRevision.ANY, List.of(event("1")));
		assertThat(ofS.get()).isZero();
		store.append("s", ExpectedRevision.ANY, List.of(event("1"), event("2")));
		assertThat(ofS.get()).isOne();
		// A commit to several streams at once wakes each of their listeners once.
		store.appendAtomically(List.of(new StreamAppend("s", ExpectedRevision.ANY, List.of(event("3"))),
				new StreamAppend("other", ExpectedRevision.ANY, List.of(event("4")))));
		assertThat(ofS.get()).isEqualTo(2);
		assertThat(ofOther.get()).isOne();
		// Its metadata (here a soft delete) changes what a reader of the stream sees.
		store.softDelete("s", ExpectedRevision.ANY);
		assertThat(ofS.get()).isEqualTo(3);
		registration.close();
		store.append("s", ExpectedRevision.ANY, List.of(event("5")));
		assertThat(ofS.get()).isEqualTo(3);
	}

	@Test
	void tombstoneAndSoftDeleteStates() {
		EventStore store = new EventStore();
		store.append("soft", ExpectedRevision.ANY, List.of(event("1")));
		store.softDelete("soft", ExpectedRevision.ANY);
		assertThat(store.streamInfo("soft").softDeleted()).isTrue();
		assertThat(store.readStream("soft", 0, true, 10)).isInstanceOf(StreamReadResult.NotFound.class);
		assertThat(store.append("soft", ExpectedRevision.STREAM_EXISTS, List.of(event("2"))))
			.isInstanceOf(AppendResult.StreamDeleted.class);

		store.append("hard", ExpectedRevision.ANY, List.of(event("1")));
		store.tombstone("hard", ExpectedRevision.ANY);
		assertThat(store.streamInfo("hard").tombstoned()).isTrue();
		assertThat(store.readStream("hard", 0, true, 10)).isInstanceOf(StreamReadResult.Deleted.class);
		StoredEvent last = store.eventAt(store.lastPosition()).orElseThrow();
		assertThat(last.type()).isEqualTo(StoredEvent.STREAM_DELETED_TYPE);
		assertThat(last.revision()).isEqualTo(Long.MAX_VALUE);
	}

	private static final class MutableClock extends Clock {

		Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
