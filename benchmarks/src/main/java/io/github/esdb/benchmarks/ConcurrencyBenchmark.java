package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ResolvedEvent;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.event.LogPosition;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.checkpoint.KurrentDBCheckpointStore;
import io.github.esdb.subscription.container.DefaultSubscriptionContainerFactory;

/**
 * Concurrency within one catch-up subscription, measured in one run against one embedded server: a handler that
 * waits 2 ms per event (I/O-like) and a no-op handler, each with concurrency 8 against concurrency 1, default
 * settings otherwise (checkpoints in KurrentDB). Every run checks that each stream's events were handled in order.
 * Usage: {@code ConcurrencyBenchmark [--io-events=4000] [--noop-events=200000] [--streams=200] [--runs=3]}.
 */
public final class ConcurrencyBenchmark {

	private final EmbeddedEsdbServer server;

	private final KurrentDBClient client;

	private final byte[] payload;

	private int round;

	private ConcurrencyBenchmark(EmbeddedEsdbServer server) {
		this.server = server;
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
		this.payload = new JsonMapper().writeValueAsBytes(BenchmarkEvent.sample(0));
	}

	/** One measured figure per variant and run. */
	record Result(String handler, int concurrency, double eventsPerSecond) {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Integer> options = new java.util.HashMap<>(
				Map.of("io-events", 4_000, "noop-events", 200_000, "streams", 200, "runs", 3));
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			if (!options.containsKey(pair[0]) || pair.length != 2) {
				throw new IllegalArgumentException("Unknown option '" + arg + "'; options: " + options.keySet());
			}
			options.put(pair[0], Integer.parseInt(pair[1].replace("_", "")));
		}
		List<Result> results = run(options.get("io-events"), options.get("noop-events"), options.get("streams"),
				options.get("runs"));
		System.out.println(report(results));
		System.exit(0);
	}

	/**
	 * Run every variant {@code runs} times, interleaved, after a warm-up.
	 * @return the measured results
	 */
	static List<Result> run(int ioEvents, int noopEvents, int streams, int runs) throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start()) {
			ConcurrencyBenchmark benchmark = new ConcurrencyBenchmark(server);
			try {
				benchmark.measure("io", Math.max(streams, ioEvents / 10), streams, 1);
				benchmark.measure("io", Math.max(streams, ioEvents / 10), streams, 8);
				benchmark.measure("noop", Math.max(streams, noopEvents / 10), streams, 1);
				benchmark.measure("noop", Math.max(streams, noopEvents / 10), streams, 8);
				List<Result> results = new ArrayList<>();
				for (int run = 0; run < runs; run++) {
					results.add(benchmark.measure("io", ioEvents, streams, 1));
					results.add(benchmark.measure("io", ioEvents, streams, 8));
					results.add(benchmark.measure("noop", noopEvents, streams, 1));
					results.add(benchmark.measure("noop", noopEvents, streams, 8));
				}
				return results;
			}
			finally {
				benchmark.client.shutdown().get(10, TimeUnit.SECONDS);
			}
		}
	}

	private Result measure(String handler, int events, int streams, int concurrency) throws Exception {
		String prefix = "conc" + (this.round++) + "-";
		// Start after what earlier runs wrote, so that no run times a scan of the others' events.
		ResolvedEvent last = this.client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(1))
			.get(10, TimeUnit.SECONDS)
			.getEvents()
			.stream()
			.findFirst()
			.orElse(null);
		StartPosition from = (last != null) ? StartPosition.position(LogPosition.fromClient(last.getPosition().get()))
				: StartPosition.START;
		fill(prefix, events, streams);
		Map<String, Long> lastRevision = new ConcurrentHashMap<>();
		AtomicBoolean outOfOrder = new AtomicBoolean();
		AtomicLong handled = new AtomicLong();
		CountDownLatch done = new CountDownLatch(1);
		KurrentDBCheckpointStore store = new KurrentDBCheckpointStore(() -> this.client,
				new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()), "$esdb-checkpoint-", 5,
				Duration.ofSeconds(10));
		DefaultSubscriptionContainerFactory factory = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(this.client))
			.serializer(new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()))
			.checkpointStores((name) -> store)
			.concurrency(concurrency, Map.of(), 256)
			.build();
		SubscriptionContainer container = factory.create(SubscriptionEndpoint.toAll(prefix + "sub")
			.filter(EventFilterSpec.streamPrefixes(prefix))
			.from(from)
			.handler((event, context) -> {
				Long previous = lastRevision.put(context.stream(), context.revision());
				if (previous != null && previous >= context.revision()) {
					outOfOrder.set(true);
				}
				if (handler.equals("io")) {
					Thread.sleep(2);
				}
				if (handled.incrementAndGet() == events) {
					done.countDown();
				}
			})
			.build());
		long start = System.nanoTime();
		container.start();
		try {
			if (!done.await(10, TimeUnit.MINUTES)) {
				throw new IllegalStateException("Only " + handled.get() + " of " + events + " events in 10 minutes");
			}
		}
		finally {
			container.stop(Duration.ofSeconds(30));
		}
		double rate = events / ((System.nanoTime() - start) / 1e9);
		if (outOfOrder.get()) {
			throw new IllegalStateException("Events of one stream were handled out of order");
		}
		System.out.printf(Locale.ROOT, "[bench] %s handler, concurrency %d: %,.0f events/s%n", handler, concurrency,
				rate);
		return new Result(handler, concurrency, rate);
	}

	private void fill(String prefix, int events, int streams) {
		int perStream = Math.max(1, events / streams);
		int written = 0;
		// Interleaved, ten at a time per stream, so that $all mixes the streams as real traffic would.
		while (written < events) {
			for (int s = 0; s < streams && written < events; s++) {
				List<ProposedEvent> batch = new ArrayList<>();
				for (int i = 0; i < Math.min(10, perStream) && written < events; i++, written++) {
					batch.add(new ProposedEvent(UUID.randomUUID(), BenchmarkEvent.TYPE, true, this.payload.clone(),
							new byte[0]));
				}
				this.server.store().append(prefix + s, ExpectedRevision.ANY, batch);
			}
		}
	}

	/**
	 * The Markdown table: the median of each variant and the ratio of concurrency 8 to concurrency 1.
	 * @param results the runs
	 * @return the table
	 */
	static String report(List<Result> results) {
		StringBuilder table = new StringBuilder(
				"| handler | concurrency 1 (events/s) | concurrency 8 (events/s) | 8 / 1 |\n|---|---:|---:|---:|\n");
		for (String handler : List.of("io", "noop")) {
			double one = median(results, handler, 1);
			double eight = median(results, handler, 8);
			table.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f |%n",
					handler.equals("io") ? "waits 2 ms" : "no-op", one, eight, eight / one));
		}
		return table.toString();
	}

	static double median(List<Result> results, String handler, int concurrency) {
		double[] values = results.stream()
			.filter((result) -> result.handler().equals(handler) && result.concurrency() == concurrency)
			.mapToDouble(Result::eventsPerSecond)
			.sorted()
			.toArray();
		return (values.length == 0) ? Double.NaN : values[values.length / 2];
	}

}
