package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.backoff.FixedBackOff;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.event.LogPosition;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.DefaultCatchUpErrorPolicy;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionHandler;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrent catch-up subscriptions: one reader, N partitions by key; per-key order, a checkpoint that never passes
 * unfinished work, failing keys under each policy, and a graceful stop that drains every partition.
 */
class PartitionedCatchUpTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	private static final Duration WAIT = Duration.ofSeconds(60);

	/** Writes {@code perStream} events to each of {@code streams} streams named {@code prefix-<n>}, interleaved. */
	private static List<String> write(String prefix, int streams, int perStream) throws Exception {
		List<String> names = new ArrayList<>();
		for (int s = 0; s < streams; s++) {
			names.add(prefix + "-" + s);
		}
		int batch = 10;
		for (int from = 0; from < perStream; from += batch) {
			for (String stream : names) {
				List<EventData> events = new ArrayList<>();
				for (int i = from; i < Math.min(perStream, from + batch); i++) {
					events.add(EventData.builderAsJson("Tick", ("{\"n\":" + i + "}").getBytes()).build());
				}
				esdb.client().appendToStream(stream, events.iterator()).get(10, TimeUnit.SECONDS);
			}
		}
		return names;
	}

	private static DefaultSubscriptionContainerFactory factory(InMemoryCheckpointStore store, int concurrency,
			CatchUpErrorPolicy policy) {
		return DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> store)
			.checkpointEvery(10, Duration.ofMillis(200))
			.concurrency(concurrency, Map.of(), 64)
			.catchUpErrorPolicy(policy)
			.build();
	}

	private static CatchUpErrorPolicy stopAfter(int retries) {
		return new DefaultCatchUpErrorPolicy(new FixedBackOff(10, retries), CatchUpErrorPolicy.Outcome.STOP);
	}

	private static SubscriptionEndpoint allOf(String id, String prefix, SubscriptionHandler handler) {
		return SubscriptionEndpoint.toAll(id)
			.filter(io.github.esdb.subscription.EventFilterSpec.streamPrefixes(prefix + "-"))
			.handler(handler)
			.build();
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	@Test
	void eventsOfOneStreamAreHandledInOrderWhileStreamsRunInParallel() throws Exception {
		String prefix = "order" + System.nanoTime();
		write(prefix, 200, 50);
		Map<String, List<Long>> seen = new ConcurrentHashMap<>();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Random random = new Random(42);
		SubscriptionContainer container = factory(new InMemoryCheckpointStore(), 8, stopAfter(0))
			.create(allOf("order", prefix, (event, context) -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				try {
					if (random.nextInt(4) == 0) {
						pause(1);
					}
					seen.computeIfAbsent(context.stream(), (s) -> new CopyOnWriteArrayList<>()).add(context.revision());
				}
				finally {
					running.decrementAndGet();
				}
			}));
		container.start();
		try {
			await().atMost(WAIT).until(() -> seen.values().stream().mapToInt(List::size).sum() == 10_000);
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		}
		assertThat(seen).hasSize(200);
		List<Long> expected = new ArrayList<>();
		for (long i = 0; i < 50; i++) {
			expected.add(i);
		}
		seen.forEach((stream, revisions) -> assertThat(revisions).as(stream).isEqualTo(expected));
		assertThat(mostAtOnce.get()).isGreaterThan(1);
		assertThat(container.snapshot().concurrency()).isEqualTo(8);
		assertThat(container.snapshot().inFlight()).isZero();
	}

	@Test
	void abruptStopsNeverLeaveACheckpointPastUnfinishedWorkAndLoseNothing() throws Exception {
		String prefix = "abrupt" + System.nanoTime();
		List<String> streams = write(prefix, 40, 50);
		Set<String> finished = ConcurrentHashMap.newKeySet();
		Map<String, Checkpoint> positions = new ConcurrentHashMap<>();
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		Random random = new Random(7);
		SubscriptionHandler handler = (event, context) -> {
			pause(random.nextInt(3));
			String key = context.stream() + "@" + context.revision();
			positions.put(key, Checkpoint.ofPosition(context.position()));
			finished.add(key);
		};
		DefaultSubscriptionContainerFactory factory = factory(store, 8, stopAfter(0));
		for (int stop = 0; stop < 50 && finished.size() < 2_000; stop++) {
			SubscriptionContainer container = factory.create(allOf("abrupt", prefix, handler));
			container.start();
			int before = finished.size();
			await().atMost(WAIT).until(() -> finished.size() > before + random.nextInt(20)
					|| finished.size() >= 2_000);
			// Abrupt: no time for the handlers in hand, which are interrupted.
			container.stop(Duration.ofMillis(1));
			assertThat(container.awaitStop(Duration.ofSeconds(10))).isTrue();
			Checkpoint committed = store.load("abrupt").orElse(null);
			if (committed != null) {
				// Every event at or before the checkpoint finished: a crash now would skip nothing.
				positions.forEach((key, position) -> {
					if (!position.isAfter(committed)) {
						assertThat(finished).as("finished before checkpoint %s", committed).contains(key);
					}
				});
				assertThat(snapshotUnfinishedBefore(committed, positions, finished)).isEmpty();
			}
		}
		SubscriptionContainer last = factory.create(allOf("abrupt", prefix, handler));
		last.start();
		try {
			await().atMost(WAIT).until(() -> finished.size() == 2_000);
		}
		finally {
			last.stop(Duration.ofSeconds(10));
		}
		for (String stream : streams) {
			for (long revision = 0; revision < 50; revision++) {
				assertThat(finished).contains(stream + "@" + revision);
			}
		}
	}

	private static List<String> snapshotUnfinishedBefore(Checkpoint committed, Map<String, Checkpoint> positions,
			Set<String> finished) {
		return positions.entrySet()
			.stream()
			.filter((entry) -> !entry.getValue().isAfter(committed) && !finished.contains(entry.getKey()))
			.map(Map.Entry::getKey)
			.toList();
	}

	@Test
	void aFailingKeyStopsTheSubscriptionWithTheCheckpointBeforeItWhenThePolicySaysStop() throws Exception {
		String prefix = "failstop" + System.nanoTime();
		write(prefix, 4, 20);
		String poisoned = prefix + "-1";
		Set<String> finished = ConcurrentHashMap.newKeySet();
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		SubscriptionContainer container = factory(store, 4, stopAfter(2)).create(allOf("failstop", prefix,
				(event, context) -> {
					if (context.stream().equals(poisoned) && context.revision() == 5) {
						throw new IllegalStateException("poison");
					}
					finished.add(context.stream() + "@" + context.revision());
				}));
		container.start();
		await().atMost(WAIT).until(() -> container.snapshot().state() == SubscriptionState.FAILED);
		assertThat(container.snapshot().lastError()).contains("poison");
		// The poisoned key stopped at its failed event; nothing after it in that stream ran.
		for (long revision = 6; revision < 20; revision++) {
			assertThat(finished).doesNotContain(poisoned + "@" + revision);
		}
		Checkpoint committed = store.load("failstop").orElse(null);
		ResolvedEvent failed = esdb.client()
			.readStream(poisoned, ReadStreamOptions.get().fromRevision(5).maxCount(1))
			.get(10, TimeUnit.SECONDS)
			.getEvents()
			.get(0);
		Checkpoint failedAt = Checkpoint
			.ofPosition(io.github.esdb.event.LogPosition.fromClient(failed.getOriginalEvent().getPosition()));
		assertThat(committed == null || failedAt.isAfter(committed)).as("checkpoint %s before %s", committed, failedAt)
			.isTrue();
	}

	@Test
	void aFailingKeyIsSkippedAndTheOthersGoOnWhenThePolicySaysSkip() throws Exception {
		String prefix = "failskip" + System.nanoTime();
		write(prefix, 4, 20);
		String poisoned = prefix + "-2";
		Set<String> finished = ConcurrentHashMap.newKeySet();
		SubscriptionContainer container = factory(new InMemoryCheckpointStore(), 4,
				new DefaultCatchUpErrorPolicy(new FixedBackOff(10, 1), CatchUpErrorPolicy.Outcome.SKIP))
			.create(allOf("failskip", prefix, (event, context) -> {
				if (context.stream().equals(poisoned) && context.revision() == 3) {
					throw new IllegalStateException("poison");
				}
				finished.add(context.stream() + "@" + context.revision());
			}));
		container.start();
		try {
			await().atMost(WAIT).until(() -> finished.size() == 79);
			assertThat(container.snapshot().state()).isIn(SubscriptionState.CATCHING_UP, SubscriptionState.LIVE);
			assertThat(container.snapshot().skipped()).isEqualTo(1);
			assertThat(finished).doesNotContain(poisoned + "@3").contains(poisoned + "@19");
		}
		finally {
			container.stop(Duration.ofSeconds(10));
		}
	}

	@Test
	void aGracefulStopDrainsEveryPartitionAndCommits() throws Exception {
		String prefix = "drain" + System.nanoTime();
		List<String> streams = write(prefix, 8, 10);
		List<EventContext> handled = new CopyOnWriteArrayList<>();
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		SubscriptionContainer container = factory(store, 4, stopAfter(0)).create(allOf("drain", prefix,
				(event, context) -> {
					pause(20);
					handled.add(context);
				}));
		container.start();
		await().atMost(WAIT).until(() -> container.snapshot().inFlight() > 8);
		int inHand = container.snapshot().inFlight();
		int before = handled.size();
		assertThat(container.stop(Duration.ofSeconds(30))).isTrue();
		// Every event the partitions held was handled, and the checkpoint covers them all.
		assertThat(handled.size()).isGreaterThanOrEqualTo(before + inHand - 4);
		Checkpoint committed = store.load("drain").orElseThrow();
		Checkpoint newest = handled.stream()
			.map((context) -> Checkpoint.ofPosition(context.position()))
			.reduce((a, b) -> a.isAfter(b) ? a : b)
			.orElseThrow();
		// The checkpoint may be further than the newest handled event (a server checkpoint of the filtered $all
		// passes records no handler takes, such as the system projections' links), but every event of the
		// subscription at or before it was handled: a restart skips none.
		assertThat(newest.isAfter(committed)).as("committed %s covers the newest handled %s", committed, newest)
			.isFalse();
		Set<LogPosition> handledPositions = new java.util.HashSet<>();
		handled.forEach((context) -> handledPositions.add(context.position()));
		for (String stream : streams) {
			for (ResolvedEvent written : esdb.client()
				.readStream(stream, ReadStreamOptions.get().fromStart())
				.get(10, TimeUnit.SECONDS)
				.getEvents()) {
				LogPosition position = LogPosition.fromClient(written.getOriginalEvent().getPosition());
				if (!Checkpoint.ofPosition(position).isAfter(committed)) {
					assertThat(handledPositions).as("an event at or before the checkpoint").contains(position);
				}
			}
		}
		assertThat(container.snapshot().inFlight()).isZero();
		assertThat(container.snapshot().oldestUnfinished()).isNull();
	}

}
