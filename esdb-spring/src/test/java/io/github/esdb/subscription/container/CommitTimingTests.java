package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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

	private long awaitStored(long revision) {
		Checkpoint checkpoint = Checkpoint.ofRevision(revision);
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> this.stored.stream().anyMatch((s) -> s.checkpoint().equals(checkpoint)));
		return this.stored.stream().filter((s) -> s.checkpoint().equals(checkpoint)).findFirst().orElseThrow().nanos();
	}

}
