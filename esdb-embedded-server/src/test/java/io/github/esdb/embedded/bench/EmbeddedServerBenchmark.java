package io.github.esdb.embedded.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.embedded.ProjectionsMode;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput and memory figures through the official client (not a timed test: it asserts nothing about speed and
 * is excluded from the normal build). Run it with the command in docs/performance.md.
 */
@Tag("benchmark")
class EmbeddedServerBenchmark {

	private static final int PAYLOAD = 200;

	private static final int CATCH_UP_EVENTS = 1_000_000;

	@Test
	void run() throws Exception {
		byte[] payload = payload();
		// -Desdb.benchmark.projections=none measures without the system projections' links.
		ProjectionsMode projections = ProjectionsMode.parse(System.getProperty("esdb.benchmark.projections", "system"));
		report("projections: %s", projections);
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().projections(projections).build().start()) {
			KurrentDBClient client = KurrentDBClient
				.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
			try {
				warmUp(client, payload);
				singleEventAppends(client, payload, 20_000, 1);
				singleEventAppends(client, payload, 50_000, 64);
				batchAppends(client, payload, 2_000);
				heapAndCatchUp(server, client, payload);
			}
			finally {
				client.shutdown().join();
			}
		}
	}

	private static byte[] payload() {
		StringBuilder json = new StringBuilder("{\"data\":\"");
		while (json.length() < PAYLOAD - 2) {
			json.append('x');
		}
		return json.append("\"}").toString().getBytes();
	}

	private static EventData event(byte[] payload) {
		return EventData.builderAsJson("BenchmarkEvent", payload).build();
	}

	private static void warmUp(KurrentDBClient client, byte[] payload) {
		for (int i = 0; i < 3_000; i++) {
			client.appendToStream("warmup-" + (i % 10), event(payload)).join();
		}
	}

	private static void singleEventAppends(KurrentDBClient client, byte[] payload, int count, int inFlight)
			throws InterruptedException {
		Semaphore permits = new Semaphore(inFlight);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			permits.acquire();
			client.appendToStream("single-" + inFlight + "-" + (i % 100), event(payload))
				.whenComplete((r, t) -> permits.release());
		}
		permits.acquire(inFlight);
		report("single-event appends, %d in flight: %,.0f appends/s", inFlight, rate(count, start));
	}

	private static void batchAppends(KurrentDBClient client, byte[] payload, int count) {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			List<EventData> events = new ArrayList<>(100);
			for (int e = 0; e < 100; e++) {
				events.add(event(payload));
			}
			client.appendToStream("batch-" + (i % 100), events.iterator()).join();
		}
		double rate = rate(count, start);
		report("100-event appends, 1 in flight: %,.0f appends/s (%,.0f events/s)", rate, rate * 100);
	}

	private static void heapAndCatchUp(EmbeddedEsdbServer server, KurrentDBClient client, byte[] payload)
			throws Exception {
		EventStore store = server.store();
		long existing = store.lastPosition();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long before = usedHeap(memory);
		long fillStart = System.nanoTime();
		for (int i = 0; i < CATCH_UP_EVENTS / 100; i++) {
			List<ProposedEvent> events = new ArrayList<>(100);
			for (int e = 0; e < 100; e++) {
				// A fresh array per event, as an append over gRPC would store it.
				events.add(new ProposedEvent(UUID.randomUUID(), "BenchmarkEvent", true, payload.clone(), new byte[0]));
			}
			store.append("catchup-" + (i % 1000), ExpectedRevision.ANY, events);
		}
		report("direct EventStore appends (100 events each, no gRPC): %,.0f events/s", rate(CATCH_UP_EVENTS, fillStart));
		long after = usedHeap(memory);
		report("heap per stored event (%d-byte payload): %,.0f bytes", PAYLOAD,
				(after - before) / (double) CATCH_UP_EVENTS);

		long total = store.lastPosition();
		// First run warms up the delivery path (JIT); the second is the steady-state figure.
		for (String run : new String[] { "cold", "warm" }) {
			double rate = catchUp(client, total);
			report("catch-up delivery (%s) of %,d events (%,d of them %d-byte) to the official client: %,.0f events/s",
					run, total, total - existing, PAYLOAD, rate);
		}
	}

	private static double catchUp(KurrentDBClient client, long total) throws Exception {
		AtomicLong received = new AtomicLong();
		CountDownLatch caughtUp = new CountDownLatch(1);
		long start = System.nanoTime();
		Subscription subscription = client.subscribeToAll(new SubscriptionListener() {
			@Override
			public void onEvent(Subscription subscription, ResolvedEvent event) {
				if (received.incrementAndGet() == total) {
					caughtUp.countDown();
				}
			}
		}, SubscribeToAllOptions.get().fromStart()).get();
		if (!caughtUp.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("Catch-up did not finish: " + received.get() + " of " + total);
		}
		double rate = rate(total, start);
		subscription.stop();
		return rate;
	}

	private static long usedHeap(MemoryMXBean memory) throws InterruptedException {
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static double rate(long count, long startNanos) {
		return count / ((System.nanoTime() - startNanos) / 1e9);
	}

	private static void report(String format, Object... args) {
		System.out.println("[benchmark] " + String.format(Locale.ROOT, format, args));
	}

}
