package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;

/**
 * Measures the starter's overhead against the raw official client, both talking to one embedded server in the same
 * JVM and the same run: catch-up delivery, persistent delivery and sequential appends. Each round runs every variant
 * once, raw and starter interleaved, so that changes in the load of a shared machine hit both sides alike; the first
 * round is a warm-up with a tenth of the counts and is not reported. Prints a Markdown table of the medians.
 * <p>
 * Run it with the command in {@code docs/performance.md}; arguments are listed by {@link BenchmarkOptions#usage()}.
 */
public final class StarterOverheadBenchmark {

	private static final String CATCH_UP_STREAM = "bench-catch-up";

	private static final String PERSISTENT_STREAM = "bench-persistent";

	private final BenchmarkOptions options;

	private final EmbeddedEsdbServer server;

	private final KurrentDBClient client;

	private final KurrentDBPersistentSubscriptionsClient persistentClient;

	private final JsonMapper json = JsonMapper.builder().build();

	private final byte[] payload;

	private final BenchmarkReport report = new BenchmarkReport();

	private StarterOverheadBenchmark(BenchmarkOptions options, EmbeddedEsdbServer server) {
		this.options = options;
		this.server = server;
		KurrentDBClientSettings settings = KurrentDBConnectionString.parseOrThrow(server.connectionString());
		this.client = KurrentDBClient.create(settings);
		this.persistentClient = KurrentDBPersistentSubscriptionsClient.create(settings);
		this.payload = this.json.writeValueAsBytes(BenchmarkEvent.sample(42));
	}

	/**
	 * Run the benchmark and print its table.
	 * @param args {@code --name=value} options, see {@link BenchmarkOptions#usage()}
	 * @throws Exception if a variant fails
	 */
	public static void main(String[] args) throws Exception {
		BenchmarkOptions options;
		try {
			options = BenchmarkOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		Runtime runtime = Runtime.getRuntime();
		log("%s; Java %s, %d CPUs, max heap %,d MiB", options, System.getProperty("java.version"),
				runtime.availableProcessors(), runtime.maxMemory() >> 20);
		BenchmarkReport report = run(options);
		System.out.println();
		System.out.println(report.toMarkdown());
	}

	/**
	 * Start an embedded server, run every variant and return the measured rates.
	 * @param options what to run
	 * @return the rates of the measured (not warm-up) runs
	 * @throws Exception if a variant fails
	 */
	public static BenchmarkReport run(BenchmarkOptions options) throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			StarterOverheadBenchmark benchmark = new StarterOverheadBenchmark(options, server);
			try {
				benchmark.runAll();
			}
			finally {
				benchmark.persistentClient.shutdown().get();
				benchmark.client.shutdown().get();
			}
			return benchmark.report;
		}
	}

	private void runAll() throws Exception {
		long fill = System.nanoTime();
		// Written straight into the store: the write path is not what the delivery variants measure.
		fillStream(CATCH_UP_STREAM, this.options.events());
		fillStream(PERSISTENT_STREAM, this.options.persistentEvents());
		log("filled %s (%,d events) and %s (%,d events) in %,d ms", CATCH_UP_STREAM, this.options.events(),
				PERSISTENT_STREAM, this.options.persistentEvents(), (System.nanoTime() - fill) / 1_000_000);
		int first = this.options.warmUp() ? 0 : 1;
		for (int round = first; round <= this.options.runs(); round++) {
			runRound(round);
		}
	}

	/** Round 0 is the warm-up: a tenth of the counts, not reported. */
	private void runRound(int round) throws Exception {
		boolean warmUp = round == 0;
		int events = scaled(this.options.events(), warmUp);
		int persistentEvents = scaled(this.options.persistentEvents(), warmUp);
		int appends = scaled(this.options.appends(), warmUp);
		String tag = "r" + round + "-" + UUID.randomUUID().toString().substring(0, 6);
		log("round %d%s", round, warmUp ? " (warm-up)" : "");

		// The application context's start-up is outside every timing; only registry start to last event counts.
		try (StarterApp app = starter(tag + "-default", Map.of())) {
			record(round, Variant.CATCH_UP_RAW, rawCatchUp(events, false));
			record(round, Variant.CATCH_UP_RAW_JACKSON, rawCatchUp(events, true));
			record(round, Variant.CATCH_UP_STARTER_RECORD, app.deliver(BenchmarkHandlers.CATCH_UP_RECORD,
					app.handlers.catchUpRecord, events, timeout(events)));
			record(round, Variant.CATCH_UP_STARTER_BYTES, app.deliver(BenchmarkHandlers.CATCH_UP_BYTES,
					app.handlers.catchUpBytes, events, timeout(events)));
			try (StarterApp batch = starter(tag + "-batch",
					Map.of("esdb.subscriptions.catch-up.batch-size", 512))) {
				record(round, Variant.CATCH_UP_STARTER_BYTES_BATCH, batch.deliver(BenchmarkHandlers.CATCH_UP_BYTES,
						batch.handlers.catchUpBytes, events, timeout(events)));
			}
			try (StarterApp memory = starter(tag + "-memory", Map.of("esdb.subscriptions.catch-up.batch-size", 512,
					"esdb.subscriptions.checkpoint.store", "memory"))) {
				record(round, Variant.CATCH_UP_STARTER_BYTES_MEMORY, memory.deliver(
						BenchmarkHandlers.CATCH_UP_BYTES, memory.handlers.catchUpBytes, events, timeout(events)));
			}

			record(round, Variant.PERSISTENT_RAW, rawPersistent(tag + "-raw", persistentEvents));
			// The groups exist before the timing starts, as for the raw client; the starter then uses them as they are.
			createGroup(app.id(BenchmarkHandlers.PERSISTENT_RECORD));
			record(round, Variant.PERSISTENT_STARTER_RECORD, app.deliver(BenchmarkHandlers.PERSISTENT_RECORD,
					app.handlers.persistentRecord, persistentEvents, timeout(persistentEvents)));
			createGroup(app.id(BenchmarkHandlers.PERSISTENT_BYTES));
			record(round, Variant.PERSISTENT_STARTER_BYTES, app.deliver(BenchmarkHandlers.PERSISTENT_BYTES,
					app.handlers.persistentBytes, persistentEvents, timeout(persistentEvents)));

			double[] appendRates = appends(app, "bench-append-raw-" + tag, "bench-append-starter-" + tag, appends);
			record(round, Variant.APPEND_RAW, appendRates[0]);
			record(round, Variant.APPEND_STARTER, appendRates[1]);
		}
	}

	private StarterApp starter(String prefix, Map<String, Object> extra) {
		return StarterApp.start(this.server.connectionString(), prefix, CATCH_UP_STREAM, PERSISTENT_STREAM,
				this.options.bufferSize(), extra);
	}

	private void fillStream(String stream, int count) {
		List<ProposedEvent> batch = new ArrayList<>(1_000);
		for (int i = 0; i < count; i++) {
			// A fresh array per event, as an append over gRPC would store it.
			batch.add(new ProposedEvent(UUID.randomUUID(), BenchmarkEvent.TYPE, true, this.payload.clone(), new byte[0]));
			if (batch.size() == 1_000 || i == count - 1) {
				this.server.store().append(stream, ExpectedRevision.ANY, batch);
				batch = new ArrayList<>(1_000);
			}
		}
	}

	private double rawCatchUp(int count, boolean deserialize) throws Exception {
		Probe probe = new Probe();
		probe.arm(count);
		long[] sink = new long[1];
		SubscriptionListener listener = new SubscriptionListener() {

			@Override
			public void onEvent(Subscription subscription, ResolvedEvent event) {
				byte[] data = event.getOriginalEvent().getEventData();
				if (deserialize) {
					// The listener runs on one thread at a time, so the unsynchronised sink is only for the JIT.
					sink[0] += StarterOverheadBenchmark.this.json.readValue(data, BenchmarkEvent.class).amountCents();
				}
				probe.hit();
			}

		};
		long start = System.nanoTime();
		Subscription subscription = this.client
			.subscribeToStream(CATCH_UP_STREAM, listener, SubscribeToStreamOptions.get().fromStart())
			.get();
		try {
			probe.await(timeout(count), "raw catch-up");
			return rate(count, start);
		}
		finally {
			subscription.stop();
		}
	}

	private double rawPersistent(String group, int count) throws Exception {
		createGroup(group);
		Probe probe = new Probe();
		probe.arm(count);
		PersistentSubscriptionListener listener = new PersistentSubscriptionListener() {

			@Override
			public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
				subscription.ack(event);
				probe.hit();
			}

		};
		long start = System.nanoTime();
		PersistentSubscription subscription = this.persistentClient
			.subscribeToStream(PERSISTENT_STREAM, group,
					SubscribePersistentSubscriptionOptions.get().bufferSize(this.options.bufferSize()), listener)
			.get();
		try {
			probe.await(timeout(count), "raw persistent");
			return rate(count, start);
		}
		finally {
			subscription.stop();
		}
	}

	private void createGroup(String group) throws ExecutionException, InterruptedException {
		this.persistentClient
			.createToStream(PERSISTENT_STREAM, group, CreatePersistentSubscriptionToStreamOptions.get().fromStart())
			.get();
	}

	/**
	 * Sequential appends, raw and starter alternating in ten blocks each: a single append costs about a millisecond
	 * of round trips, which a shared machine's load swings far more than the starter does, so both sides share every
	 * load swing instead of one getting the quiet seconds.
	 * @return the raw rate and the starter's rate
	 */
	private double[] appends(StarterApp app, String rawStream, String starterStream, int count) throws Exception {
		int block = Math.max(1, count / 10);
		BenchmarkEvent event = BenchmarkEvent.sample(42);
		long rawNanos = 0;
		long starterNanos = 0;
		for (int done = 0; done < count; done += block) {
			int size = Math.min(block, count - done);
			long start = System.nanoTime();
			for (int i = 0; i < size; i++) {
				// The raw side appends bytes serialized once up front; serializing is part of the starter's cost.
				this.client.appendToStream(rawStream, EventData.builderAsJson(BenchmarkEvent.TYPE, this.payload).build())
					.get();
			}
			long middle = System.nanoTime();
			for (int i = 0; i < size; i++) {
				app.operations.append(starterStream, event);
			}
			rawNanos += middle - start;
			starterNanos += System.nanoTime() - middle;
		}
		return new double[] { count / (rawNanos / 1e9), count / (starterNanos / 1e9) };
	}

	private void record(int round, Variant variant, double rate) {
		log("  %-14s %-60s %,12.0f /s", (round == 0) ? "warm-up" : "run " + round, variant.measure().label() + ": "
				+ variant.label(), rate);
		if (round > 0) {
			this.report.add(variant, rate);
		}
	}

	private static int scaled(int count, boolean warmUp) {
		return warmUp ? Math.max(1, count / 10) : count;
	}

	/** Generous: a run that takes this long is broken, not slow. */
	private static Duration timeout(long count) {
		return Duration.ofSeconds(30 + count / 1_000);
	}

	static double rate(long count, long startNanos) {
		return count / ((System.nanoTime() - startNanos) / 1e9);
	}

	private static void log(String format, Object... args) {
		System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
	}

}
