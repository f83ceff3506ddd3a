package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A quiet subscription's worker sleeps until a commit falls due, up to a second at a time, and a handler on the
 * client's thread that leaves a commit due sooner wakes it: the commit comes on time, through the official client and
 * the embedded server.
 */
class CommitTimingTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	/** Checkpoints with the time each reached the store. */
	private final List<Stored> stored = new CopyOnWriteArrayList<>();

	private record Stored(Checkpoint checkpoint, long nanos) {
	}

	private final CheckpointStore store = new CheckpointStore() {

		private final InMemoryCheckpointStore memory = new InMemoryCheckpointStore();

		@Override
		public Optional<Checkpoint> load(String subscriptionId) {
			return this.memory.load(subscriptionId);
		}

		@Override
		public void store(String subscriptionId, Checkpoint checkpoint) {
			CommitTimingTests.this.stored.add(new Stored(checkpoint, System.nanoTime()));
			this.memory.store(subscriptionId, checkpoint);
		}

	};

	@Test
	void aCommitThatFallsDueWhileTheWorkerSleepsComesOnTime() throws Exception {
		String stream = "commit-timing-" + System.nanoTime();
		// Two finished events make a commit due once 300 ms passed since the last one. Each pair comes right after a
		// commit, and the handler finishes it long before that; the worker, which made that commit and then had
		// nothing to commit, sleeps for a second. Left to it, the next commit would come at least a second after the
		// last; the handler wakes it for 300 ms.
		SubscriptionContainer container = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> this.store)
			.checkpointEvery(2, Duration.ofHours(1))
			.checkpointMinInterval(Duration.ofMillis(300))
			.build()
			.create(SubscriptionEndpoint.toStream("commit-timing", stream).handler((event, context) -> {
			}).build());
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> container.snapshot().state() == SubscriptionState.LIVE);
			long previous = 0;
			for (int i = 0; i < 5; i++) {
				esdb.appendTicks(stream, 2);
				long committedAt = awaitStored(2L * i + 1);
				// Measured from the third pair on: by then the worker made the commit before, and slept from there.
				if (i >= 2) {
					assertThat(TimeUnit.NANOSECONDS.toMillis(committedAt - previous)).as("commit %d", i).isLessThan(850);
				}
				previous = committedAt;
			}
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		}
	}

	@Test
	void aHandlerBusyWithoutPauseCommitsByTimeAsWellAsByCount() throws Exception {
		// The handler reads no clock per event: a commit that falls due by time while it is busy is the worker's to
		// notice, and the worker cannot take the handling lock from a handler that holds it all the time, so it asks
		// the handler to commit once it returns. Each handler call takes 10 ms and the next follows at once.
		// By time: every 300 ms, a count that is never reached.
		assertCommitsWhileBusy(1_000_000, Duration.ofMillis(300), Duration.ZERO);
		// By count: 10 events, no more often than every 300 ms. The count is reached long before, and the commit
		// then falls due by time.
		assertCommitsWhileBusy(10, Duration.ofHours(1), Duration.ofMillis(300));
	}

	private void assertCommitsWhileBusy(int everyEvents, Duration every, Duration minInterval) throws Exception {
		this.stored.clear();
		String stream = "commit-busy-" + System.nanoTime();
		int events = 200;
		esdb.appendTicks(stream, events);
		AtomicInteger handled = new AtomicInteger();
		SubscriptionContainer container = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> this.store)
			.checkpointEvery(everyEvents, every)
			.checkpointMinInterval(minInterval)
			.build()
			.create(SubscriptionEndpoint.toStream("commit-busy-" + everyEvents, stream).handler((event, context) -> {
				Thread.sleep(10);
				handled.incrementAndGet();
			}).build());
		long started = System.nanoTime();
		container.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == events);
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		}
		long handledFor = System.nanoTime() - started;
		// The commits made while the handler was busy: those before the last event (the stop commits the rest).
		List<Stored> whileBusy = this.stored.stream()
			.filter((s) -> s.checkpoint().revision() != null && s.checkpoint().revision() < events - 1)
			.toList();
		// About one every 300 ms over at least 2 s of handling (200 calls of 10 ms): at least three, and none
		// much sooner than 300 ms after the one before (each is timed as it reaches the store, a moment after the
		// committer took its time).
		assertThat(handledFor).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(2_000));
		assertThat(whileBusy).as("commits while the handler was busy").hasSizeGreaterThanOrEqualTo(3);
		for (int i = 1; i < whileBusy.size(); i++) {
			assertThat(whileBusy.get(i).nanos() - whileBusy.get(i - 1).nanos())
				.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
		}
	}

	private long awaitStored(long revision) {
		Checkpoint checkpoint = Checkpoint.ofRevision(revision);
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> this.stored.stream().anyMatch((s) -> s.checkpoint().equals(checkpoint)));
		return this.stored.stream().filter((s) -> s.checkpoint().equals(checkpoint)).findFirst().orElseThrow().nanos();
	}

}
