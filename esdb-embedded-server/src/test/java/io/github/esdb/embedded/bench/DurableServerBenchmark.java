package io.github.esdb.embedded.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.embedded.ProjectionsMode;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.FsyncPolicy;
import io.github.esdb.embedded.store.ProposedEvent;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Durable mode figures: appends per second through the official client for each fsync policy, 1,000,000 events
 * written to a durable store, and the time a new server takes to read them back (recovery). Asserts nothing about
 * speed; excluded from the normal build. Run it with the command in docs/performance.md.
 */
@Tag("benchmark")
class DurableServerBenchmark {

	private static final int PAYLOAD = 200;

	private static final int RECOVERY_EVENTS = Integer.getInteger("esdb.benchmark.recovery-events", 1_000_000);

	@Test
	void run() throws Exception {
		byte[] payload = payload();
		ProjectionsMode projections = ProjectionsMode.parse(System.getProperty("esdb.benchmark.projections", "system"));
		report("projections: %s", projections);
		for (FsyncPolicy policy : FsyncPolicy.values()) {
			Path dir = Files.createTempDirectory("esdb-durable-bench");
			try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder()
				.projections(projections)
				.dataDir(dir)
				.fsync(policy)
				.build()
				.start()) {
				KurrentDBClient client = KurrentDBClient
					.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
				try {
					appends(client, payload, 2_000, 1, policy, "warm-up");
					appends(client, payload, (policy == FsyncPolicy.ALWAYS) ? 5_000 : 20_000, 1, policy, "measured");
					appends(client, payload, 20_000, 64, policy, "measured");
				}
				finally {
					client.shutdown().join();
				}
			}
			finally {
				delete(dir);
			}
		}
		recovery(payload, projections);
	}

	private static void appends(KurrentDBClient client, byte[] payload, int count, int inFlight, FsyncPolicy policy,
			String label) throws InterruptedException {
		Semaphore permits = new Semaphore(inFlight);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			permits.acquire();
			client.appendToStream("durable-" + inFlight + "-" + (i % 100),
					EventData.builderAsJson("BenchmarkEvent", payload).build())
				.whenComplete((r, t) -> permits.release());
		}
		permits.acquire(inFlight);
		if (label.equals("measured")) {
			report("fsync=%s, single-event appends through the client, %d in flight: %,.0f appends/s",
					policy.name().toLowerCase(Locale.ROOT), inFlight, rate(count, start));
		}
	}

	private static void recovery(byte[] payload, ProjectionsMode projections) throws IOException {
		Path dir = Files.createTempDirectory("esdb-durable-recovery");
		try {
			long records;
			try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder()
				.projections(projections)
				.dataDir(dir)
				.fsync(FsyncPolicy.INTERVAL)
				.build()) {
				EventStore store = server.store();
				long start = System.nanoTime();
				for (int i = 0; i < RECOVERY_EVENTS / 100; i++) {
					List<ProposedEvent> events = new ArrayList<>(100);
					for (int e = 0; e < 100; e++) {
						events.add(new ProposedEvent(UUID.randomUUID(), "BenchmarkEvent", true, payload.clone(),
								new byte[0]));
					}
					store.append("recovery-" + (i % 1000), ExpectedRevision.ANY, events);
				}
				records = store.size();
				report("fsync=interval, direct EventStore appends (100 events each, no gRPC): %,.0f events/s "
						+ "(%,d records in the log with the projections' links)", rate(RECOVERY_EVENTS, start), records);
			}
			long bytes = Files.size(dir.resolve("events.log"));
			for (String run : new String[] { "cold", "warm" }) {
				long start = System.nanoTime();
				try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder()
					.projections(projections)
					.dataDir(dir)
					.build()) {
					double seconds = (System.nanoTime() - start) / 1e9;
					report("recovery (%s) of %,d events (%,d records, %,d MB log file): %.1f s, %,.0f records/s", run,
							RECOVERY_EVENTS, server.store().size(), bytes / 1_000_000, seconds,
							server.store().size() / seconds);
				}
			}
		}
		finally {
			delete(dir);
		}
	}

	private static byte[] payload() {
		StringBuilder json = new StringBuilder("{\"data\":\"");
		while (json.length() < PAYLOAD - 2) {
			json.append('x');
		}
		return json.append("\"}").toString().getBytes();
	}

	private static void delete(Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	private static double rate(long count, long startNanos) {
		return count / ((System.nanoTime() - startNanos) / 1e9);
	}

	private static void report(String format, Object... args) {
		System.out.println("[benchmark] " + String.format(Locale.ROOT, format, args));
	}

}
