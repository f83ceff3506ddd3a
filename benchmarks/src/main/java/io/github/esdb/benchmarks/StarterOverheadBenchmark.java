package io.github.esdb.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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

import io.github.esdb.benchmarks.BenchmarkOptions.Section;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Measures the starter against the raw official client, both talking to one embedded server in the same JVM and the
 * same run: catch-up delivery (a stream and a long history), several subscriptions at once, persistent delivery,
 * sequential appends and live latency; and, for the starter alone, heap growth behind a slow handler and the start-up
 * of many subscriptions. Each round runs every variant once, raw and starter interleaved, so that changes in the
 * load of a shared machine hit both sides alike. Warm-up rounds come first and are not reported
 * ({@code --warm-up-rounds}, 1 by default): the first with a tenth of the counts, any further ones with the full
 * counts, and more full-size ones while the JIT is still compiling ({@code --settle-rounds}, {@link WarmUp}). Prints
 * a Markdown table of the medians. With {@code --forks=N} this JVM measures nothing itself: it runs the
 * benchmark in N child JVMs one after the other ({@link BenchmarkForks}) and prints each one's table and their ratios
 * side by side.
 * <p>
 * Run it with the command in {@code docs/performance.md}; arguments are listed by {@link BenchmarkOptions#usage()}.
 */
public final class StarterOverheadBenchmark {

	private static final String CATCH_UP_STREAM = "bench-catch-up";

	private static final String METADATA_STREAM = "bench-catch-up-metadata";

	private static final String LONG_STREAM = "bench-long";

	private static final String CONCURRENT_STREAM = "bench-concurrent";

	private static final String PERSISTENT_STREAM = "bench-persistent";

	private static final String STARTUP_STREAM = "bench-startup";

	/** Checkpoints each full-size warm-up round writes through the starter's store (a tenth in the first). */
	static final int CHECKPOINT_WARM_UP_WRITES = 20_000;

	/** How many subscriptions' checkpoints the warm-up writes at once, as the 50 concurrent subscriptions do. */
	static final int CHECKPOINT_WARM_UP_IDS = 50;

	/** The persistent buffer size of the variant with settings other than the defaults. */
	static final int OTHER_BUFFER_SIZE = 10;

	private final BenchmarkOptions options;

	private final EmbeddedEsdbServer server;

	private final KurrentDBClient client;

	private final KurrentDBPersistentSubscriptionsClient persistentClient;

	private final JsonMapper json = JsonMapper.builder().build();

	private final byte[] payload;

	private final BenchmarkReport report = new BenchmarkReport();

	private ThreadCpu atLastRecord = ThreadCpu.now();

	private final ProcessRest rest = ProcessRest.ofThisJvm();

	/** Profiles each delivery variant of the measured rounds ({@code --profile}), {@code null} when not asked. */
	private final VariantProfiler profiler;

	/** The persistent groups of the starter's contexts that exist on the server, from an earlier round. */
	private final Set<String> starterGroups = new HashSet<>();

	private StarterOverheadBenchmark(BenchmarkOptions options, EmbeddedEsdbServer server) {
		this.options = options;
		this.server = server;
		KurrentDBClientSettings settings = KurrentDBConnectionString.parseOrThrow(server.connectionString());
		this.client = KurrentDBClient.create(settings);
		this.persistentClient = KurrentDBPersistentSubscriptionsClient.create(settings);
		this.payload = this.json.writeValueAsBytes(BenchmarkEvent.sample(42));
		this.profiler = (options.profileDir() != null) ? VariantProfiler.to(options.profileDir()) : null;
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
		if (options.forks() > 1) {
			List<BenchmarkReport> forks = BenchmarkForks.run(options, List.of(args), System.out);
			System.out.println();
			System.out.print(BenchmarkForks.toMarkdown(forks));
			return;
		}
		BenchmarkReport report = run(options);
		if (options.resultsFile() != null) {
			report.writeTsv(options.resultsFile());
		}
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
		// Only the streams of the selected sections: a million events the run does not read only cost heap.
		int events = this.options.runs(Section.CATCH_UP) ? this.options.events() : 0;
		// The backlog variant runs behind the long stream, so it needs it as well.
		int longEvents = (this.options.runs(Section.LONG) || this.options.runs(Section.BACKLOG))
				? this.options.longEvents() : 0;
		int concurrentEvents = this.options.runs(Section.CONCURRENT) ? this.options.concurrentEvents() : 0;
		int persistentEvents = this.options.runs(Section.PERSISTENT) ? this.options.persistentEvents() : 0;
		fillStream(CATCH_UP_STREAM, events);
		fillStream(METADATA_STREAM, events, true);
		fillStream(LONG_STREAM, longEvents);
		fillStream(CONCURRENT_STREAM, concurrentEvents);
		fillStream(PERSISTENT_STREAM, persistentEvents);
		fillStream(STARTUP_STREAM, 10);
		log("filled the streams (%,d + %,d with metadata + %,d + %,d + %,d events) in %,d ms; sections %s", events,
				events, longEvents,
				concurrentEvents, persistentEvents, (System.nanoTime() - fill) / 1_000_000, this.options.sections());
		// The starter's contexts live for the whole run, as the raw client does, and start before the first round:
		// an application starts once and then rebuilds its read models, and a context started within a round left
		// Spring's start-up code for the JIT to compile while the starter's variants ran (run 13's flight recording).
		String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 6);
		JitMeter.Activity measured = null;
		try (StarterApp app = starter(prefix + "-default", Map.of());
				// Settings other than the defaults: in-memory checkpoints (catch-up), another buffer size
				// (persistent).
				StarterApp other = starter(prefix + "-other", Map.of("esdb.subscriptions.checkpoint.store", "memory",
						"esdb.subscriptions.persistent.buffer-size", OTHER_BUFFER_SIZE))) {
			JitMeter meter = JitMeter.ofThisJvm();
			new WarmUp(this.options.warmUpRounds(), this.options.settleRounds(), meter)
				.run((number) -> runRound(new Round(number, true), app, other), (line) -> log("%s", line));
			for (int run = 1; run <= this.options.runs(); run++) {
				int number = run;
				JitMeter.Activity jit = meter.measure(() -> runRound(new Round(number, false), app, other));
				log("run %d: %s", run, jit);
				measured = (measured != null) ? measured.plus(jit) : jit;
			}
		}
		if (measured != null && measured.compileMillis() >= 0) {
			// The figure to read the table with: a large share means the JIT, not the code, made the differences.
			log("the JIT compiled for %.1f%% of the measured rounds' CPU", measured.share() * 100);
		}
		if (this.profiler != null) {
			this.profiler.printMedians((line) -> log("%s", line));
		}
	}

	private void runRound(Round round, StarterApp app, StarterApp other) throws Exception {
		boolean scaledDown = round.scaledDown();
		int events = scaled(this.options.events(), scaledDown);
		int longEvents = scaled(this.options.longEvents(), scaledDown);
		int concurrentEvents = scaled(this.options.concurrentEvents(), scaledDown);
		int persistentEvents = scaled(this.options.persistentEvents(), scaledDown);
		int appends = scaled(this.options.appends(), scaledDown);
		int liveEvents = scaled(this.options.liveEvents(), scaledDown);
		String tag = (round.warmUp() ? "w" : "r") + round.number() + "-"
				+ UUID.randomUUID().toString().substring(0, 6);
		if (round.warmUp()) {
			log("round w%d (warm-up)%s", round.number(), scaledDown ? " with a tenth of the counts" : "");
		}
		else {
			log("round %d", round.number());
		}

		if (round.warmUp() && (this.options.runs(Section.CATCH_UP) || this.options.runs(Section.LONG)
				|| this.options.runs(Section.CONCURRENT))) {
			warmCheckpointWrites(app, tag, scaled(CHECKPOINT_WARM_UP_WRITES, scaledDown));
		}
		// The delivery variants, in the order of the measures; every second measured round runs them in reverse,
		// so that neither side of a pair always follows the other (see measureInTurn). Only the registry's start to
		// the last event counts: not the reset before it, nor the stop after it.
		List<Step> steps = new ArrayList<>();
		if (this.options.runs(Section.CATCH_UP)) {
			steps.add(new Step(Variant.CATCH_UP_RAW, events, () -> rawCatchUp(CATCH_UP_STREAM, events, false)));
			steps.add(new Step(Variant.CATCH_UP_RAW_JACKSON, events,
					() -> rawCatchUp(CATCH_UP_STREAM, events, true)));
			steps.add(new Step(Variant.CATCH_UP_STARTER_RECORD, events, () -> app.replay(
					BenchmarkHandlers.CATCH_UP_RECORD, app.handlers.catchUpRecord, events, timeout(events))));
			steps.add(new Step(Variant.CATCH_UP_STARTER_BYTES, events, () -> app.replay(
					BenchmarkHandlers.CATCH_UP_BYTES, app.handlers.catchUpBytes, events, timeout(events))));
			steps.add(new Step(Variant.CATCH_UP_METADATA_RAW_JACKSON, events,
					() -> rawCatchUp(METADATA_STREAM, events, true)));
			steps.add(new Step(Variant.CATCH_UP_METADATA_STARTER_RECORD, events, () -> app.replay(
					BenchmarkHandlers.METADATA_RECORD, app.handlers.metadataRecord, events, timeout(events))));
		}
		if (this.options.runs(Section.LONG)) {
			steps.add(new Step(Variant.LONG_RAW_JACKSON, longEvents,
					() -> rawCatchUp(LONG_STREAM, longEvents, true)));
			steps.add(new Step(Variant.LONG_STARTER_RECORD, longEvents, () -> app
				.replay(BenchmarkHandlers.LONG_RECORD, app.handlers.longRecord, longEvents, timeout(longEvents))));
		}
		if (this.options.runs(Section.CONCURRENT)) {
			steps.add(new Step(Variant.CONCURRENT_1_RAW, concurrentEvents,
					() -> rawConcurrent(1, concurrentEvents)));
			steps.add(new Step(Variant.CONCURRENT_1_STARTER, concurrentEvents,
					() -> starterConcurrent(app, tag, 1, concurrentEvents)));
			steps.add(new Step(Variant.CONCURRENT_10_RAW, 10L * concurrentEvents,
					() -> rawConcurrent(10, concurrentEvents)));
			steps.add(new Step(Variant.CONCURRENT_10_STARTER, 10L * concurrentEvents,
					() -> starterConcurrent(app, tag, 10, concurrentEvents)));
			steps.add(new Step(Variant.CONCURRENT_50_RAW, 50L * concurrentEvents,
					() -> rawConcurrent(50, concurrentEvents)));
			steps.add(new Step(Variant.CONCURRENT_50_STARTER, 50L * concurrentEvents,
					() -> starterConcurrent(app, tag, 50, concurrentEvents)));
		}
		measureInTurn(round, steps);
		if (this.options.runs(Section.PERSISTENT)) {
			record(round, Variant.PERSISTENT_RAW, rawPersistent(tag + "-raw", persistentEvents));
			// The groups exist, from the start, before the timing starts, as for the raw client; the starter then
			// uses them as they are.
			freshGroup(app, BenchmarkHandlers.PERSISTENT_RECORD);
			record(round, Variant.PERSISTENT_STARTER_RECORD, app.deliver(BenchmarkHandlers.PERSISTENT_RECORD,
					app.handlers.persistentRecord, persistentEvents, timeout(persistentEvents)));
			freshGroup(app, BenchmarkHandlers.PERSISTENT_BYTES);
			record(round, Variant.PERSISTENT_STARTER_BYTES, app.deliver(BenchmarkHandlers.PERSISTENT_BYTES,
					app.handlers.persistentBytes, persistentEvents, timeout(persistentEvents)));
		}

		if (this.options.runs(Section.CATCH_UP)) {
			record(round, Variant.CATCH_UP_STARTER_BYTES_MEMORY, other.replay(BenchmarkHandlers.CATCH_UP_BYTES,
					other.handlers.catchUpBytes, events, timeout(events)));
		}
		if (this.options.runs(Section.PERSISTENT)) {
			freshGroup(other, BenchmarkHandlers.PERSISTENT_RECORD);
			record(round, Variant.PERSISTENT_STARTER_RECORD_BUFFER, other.deliver(
					BenchmarkHandlers.PERSISTENT_RECORD, other.handlers.persistentRecord, persistentEvents,
					timeout(persistentEvents)));
		}

		if (this.options.runs(Section.APPEND)) {
			double[] appendRates = appends(app, "bench-append-raw-" + tag, "bench-append-starter-" + tag,
					appends);
			record(round, Variant.APPEND_RAW, appendRates[0]);
			record(round, Variant.APPEND_STARTER, appendRates[1]);
		}
		if (this.options.runs(Section.LIVE)) {
			double[] latencies = liveLatency(app, tag, liveEvents);
			record(round, Variant.LIVE_P50_RAW, latencies[0]);
			record(round, Variant.LIVE_P50_STARTER, latencies[1]);
			record(round, Variant.LIVE_P99_RAW, latencies[2]);
			record(round, Variant.LIVE_P99_STARTER, latencies[3]);
		}
		if (this.options.runs(Section.STARTUP)) {
			record(round, Variant.STARTUP, startUp(app, tag, this.options.startupSubscriptions()));
		}
		if (this.options.runs(Section.BACKLOG)) {
			record(round, Variant.BACKLOG_HEAP, backlogHeapGrowth(app, tag,
					scaledDown ? Math.max(1, this.options.backlogMillis() / 10) : this.options.backlogMillis()));
		}
	}

	/**
	 * Warm-up only: write checkpoints through the starter's store, as its subscriptions do. The measured variants
	 * write about one a second per subscription, so without this the write path (the store's writer, the client's
	 * append call, gRPC's call set-up, the server's write path) reaches the JIT's thresholds only after dozens of
	 * rounds, a few methods at a time, and the compiler takes CPU from the starter's variants in every measured round,
	 * never from the raw ones, which write nothing. An application compiles that path once, in its first minutes.
	 */
	private void warmCheckpointWrites(StarterApp app, String tag, int writes) {
		long start = System.nanoTime();
		writeCheckpoints(app.checkpoints, tag + "-warm-checkpoint-", writes);
		log("  wrote %,d checkpoints to warm the write path in %,d ms", writes,
				(System.nanoTime() - start) / 1_000_000);
		// Not the first variant's CPU.
		this.atLastRecord = ThreadCpu.now();
	}

	/**
	 * Write checkpoints for {@value #CHECKPOINT_WARM_UP_IDS} subscriptions at once, each write an append: a store per
	 * id, then a flush per id that waits for its write, so that no two stores of one id collapse into one write.
	 * @param store the starter's checkpoint store
	 * @param idPrefix the subscription ids' prefix; the ids end in 0 to 49
	 * @param writes how many checkpoints in all; id {@code i} ends at revision {@code (writes - 1) / 50} or one less
	 */
	static void writeCheckpoints(CheckpointStore store, String idPrefix, int writes) {
		for (int done = 0; done < writes; done += CHECKPOINT_WARM_UP_IDS) {
			int ids = Math.min(CHECKPOINT_WARM_UP_IDS, writes - done);
			for (int i = 0; i < ids; i++) {
				store.store(idPrefix + i, Checkpoint.ofRevision(done / CHECKPOINT_WARM_UP_IDS));
			}
			for (int i = 0; i < ids; i++) {
				store.flush(idPrefix + i);
			}
		}
	}

	private StarterApp starter(String prefix, Map<String, Object> extra) {
		return StarterApp.start(this.server.connectionString(), prefix, CATCH_UP_STREAM, METADATA_STREAM, LONG_STREAM,
				PERSISTENT_STREAM, extra);
	}

	/**
	 * Several raw subscriptions at once, each reading the whole concurrent stream with Jackson in its listener. All
	 * are requested before any confirmation is awaited, as the starter's registry starts its subscriptions: waiting
	 * for each in turn staggered fifty of them over two to five seconds (the first had finished before the last
	 * began), so that far fewer than fifty ran at once (see "What changed in run 11" in docs/performance.md).
	 * @return the aggregate rate
	 */
	private double rawConcurrent(int subscriptions, int count) throws Exception {
		Probe probe = new Probe();
		long total = (long) subscriptions * count;
		probe.arm(total);
		long[] sinks = new long[subscriptions];
		List<CompletableFuture<Subscription>> requested = new ArrayList<>();
		long start = System.nanoTime();
		try {
			for (int i = 0; i < subscriptions; i++) {
				int index = i;
				requested.add(this.client.subscribeToStream(CONCURRENT_STREAM, new SubscriptionListener() {

					@Override
					public void onEvent(Subscription subscription, ResolvedEvent event) {
						sinks[index] += StarterOverheadBenchmark.this.json
							.readValue(event.getOriginalEvent().getEventData(), BenchmarkEvent.class)
							.amountCents();
						probe.hit();
					}

				}, SubscribeToStreamOptions.get().fromStart()));
			}
			for (CompletableFuture<Subscription> subscription : requested) {
				subscription.get();
			}
			probe.await(timeout(total), subscriptions + " raw subscriptions");
			return rate(total, start);
		}
		finally {
			// Each one that was confirmed; a failed request has nothing to stop.
			for (CompletableFuture<Subscription> subscription : requested) {
				subscription.thenAccept(Subscription::stop);
			}
		}
	}

	/**
	 * Several starter subscriptions at once (registered through the registry, default settings, KurrentDB
	 * checkpoints), each deserializing with the same Jackson call as the raw listeners.
	 * @return the aggregate rate
	 */
	private double starterConcurrent(StarterApp app, String tag, int subscriptions, int count) throws Exception {
		Probe probe = new Probe();
		long total = (long) subscriptions * count;
		probe.arm(total);
		long[] sinks = new long[subscriptions];
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < subscriptions; i++) {
			int index = i;
			String id = tag + "-concurrent-" + subscriptions + "-" + i;
			ids.add(id);
			app.registry.register(SubscriptionEndpoint.toStream(id, CONCURRENT_STREAM)
				.autoStartup(false)
				.handler((event, context) -> {
					sinks[index] += this.json.readValue(event.getOriginalEvent().getEventData(), BenchmarkEvent.class)
						.amountCents();
					probe.hit();
				})
				.build());
		}
		long start = System.nanoTime();
		try {
			ids.forEach(app.registry::start);
			probe.await(timeout(total), subscriptions + " starter subscriptions");
			return rate(total, start);
		}
		finally {
			ids.forEach((id) -> app.registry.unsubscribe(id, Duration.ofSeconds(10)));
		}
	}

	/**
	 * Live latency: a raw listener and a starter handler wait at the end of a new stream; events are appended one at
	 * a time (each append waits for the previous one and for both consumers), and each consumer's latency is the time
	 * from the append call to its receipt.
	 * @return raw p50, starter p50, raw p99, starter p99, in microseconds
	 */
	private double[] liveLatency(StarterApp app, String tag, int count) throws Exception {
		String stream = "bench-live-" + tag;
		// The stream exists before both consumers wait at its end: event i of the measurement is revision i + 1.
		this.client.appendToStream(stream, EventData.builderAsJson(BenchmarkEvent.TYPE, this.payload).build()).get();
		long[] sent = new long[count];
		long[] rawReceived = new long[count];
		long[] starterReceived = new long[count];
		Probe rawProbe = new Probe();
		Probe starterProbe = new Probe();
		Subscription raw = this.client.subscribeToStream(stream, new SubscriptionListener() {

			@Override
			public void onEvent(Subscription subscription, ResolvedEvent event) {
				rawReceived[(int) event.getOriginalEvent().getRevision() - 1] = System.nanoTime();
				rawProbe.hit();
			}

		}, SubscribeToStreamOptions.get().fromEnd()).get();
		String id = tag + "-live";
		app.registry.register(SubscriptionEndpoint.toStream(id, stream).from(StartPosition.END).handler((event,
				context) -> {
			starterReceived[(int) context.revision() - 1] = System.nanoTime();
			starterProbe.hit();
		}).build());
		try {
			awaitState(app, id, SubscriptionState.LIVE);
			for (int i = 0; i < count; i++) {
				rawProbe.arm(1);
				starterProbe.arm(1);
				sent[i] = System.nanoTime();
				// A new event each time: the same event id again would be an idempotent no-op.
				this.client.appendToStream(stream, EventData.builderAsJson(BenchmarkEvent.TYPE, this.payload).build())
					.get();
				rawProbe.await(Duration.ofSeconds(30), "raw live event " + i);
				starterProbe.await(Duration.ofSeconds(30), "starter live event " + i);
			}
		}
		finally {
			raw.stop();
			app.registry.unsubscribe(id, Duration.ofSeconds(10));
		}
		long[] rawLatency = new long[count];
		long[] starterLatency = new long[count];
		for (int i = 0; i < count; i++) {
			rawLatency[i] = rawReceived[i] - sent[i];
			starterLatency[i] = starterReceived[i] - sent[i];
		}
		return new double[] { percentile(rawLatency, 50), percentile(starterLatency, 50), percentile(rawLatency, 99),
				percentile(starterLatency, 99) };
	}

	private static double percentile(long[] nanos, int percent) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000.0;
	}

	/**
	 * Start many subscriptions at once in this (warm) JVM and time until the server confirmed every one.
	 * @return milliseconds
	 */
	private double startUp(StarterApp app, String tag, int subscriptions) throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < subscriptions; i++) {
			String id = tag + "-startup-" + i;
			ids.add(id);
			app.registry.register(
					SubscriptionEndpoint.toStream(id, STARTUP_STREAM).autoStartup(false).handler((event, context) -> {
					}).build());
		}
		long start = System.nanoTime();
		try {
			ids.forEach(app.registry::start);
			for (String id : ids) {
				awaitState(app, id, SubscriptionState.CATCHING_UP, SubscriptionState.LIVE);
			}
			return (System.nanoTime() - start) / 1e6;
		}
		finally {
			ids.forEach((id) -> app.registry.unsubscribe(id, Duration.ofSeconds(10)));
		}
	}

	/**
	 * A handler that takes 1 ms per event runs behind the long stream; the heap used after a full GC is compared
	 * before it starts and once it has run for a while: the bounded hand-off keeps the backlog in the server.
	 * @return the growth in MiB
	 */
	private double backlogHeapGrowth(StarterApp app, String tag, int millis) throws Exception {
		String id = tag + "-backlog";
		app.registry.register(SubscriptionEndpoint.toStream(id, LONG_STREAM).autoStartup(false).handler((event,
				context) -> Thread.sleep(1)).build());
		long before = usedHeapAfterGc();
		app.registry.start(id);
		try {
			Thread.sleep(millis);
			long after = usedHeapAfterGc();
			return (after - before) / (1024.0 * 1024.0);
		}
		finally {
			app.registry.unsubscribe(id, Duration.ofSeconds(10));
		}
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(50);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static void awaitState(StarterApp app, String id, SubscriptionState... states) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		List<SubscriptionState> wanted = List.of(states);
		while (true) {
			SubscriptionState state = app.registry.snapshot(id).map(SubscriptionSnapshot::state).orElse(null);
			if (wanted.contains(state)) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(id + " is " + state + ", not " + wanted + ", after 60 s");
			}
			Thread.sleep(1);
		}
	}

	private void fillStream(String stream, int count) {
		fillStream(stream, count, false);
	}

	/**
	 * Write events straight into the store.
	 * @param metadata whether each event carries the metadata the template writes (a correlation and a causation
	 * id), which the client and the starter both see as bytes to parse or not
	 */
	private void fillStream(String stream, int count, boolean metadata) {
		if (count == 0) {
			return;
		}
		List<ProposedEvent> batch = new ArrayList<>(1_000);
		for (int i = 0; i < count; i++) {
			byte[] meta = metadata ? ("{\"$correlationId\":\"" + UUID.randomUUID() + "\",\"$causationId\":\""
					+ UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8) : new byte[0];
			// A fresh array per event, as an append over gRPC would store it.
			batch.add(new ProposedEvent(UUID.randomUUID(), BenchmarkEvent.TYPE, true, this.payload.clone(), meta));
			if (batch.size() == 1_000 || i == count - 1) {
				this.server.store().append(stream, ExpectedRevision.ANY, batch);
				batch = new ArrayList<>(1_000);
			}
		}
	}

	private double rawCatchUp(String stream, int count, boolean deserialize) throws Exception {
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
			.subscribeToStream(stream, listener, SubscribeToStreamOptions.get().fromStart())
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

	/**
	 * Give a starter subscription's group a new start: delete the group an earlier round used (the registry stops the
	 * subscription first), then create it again from the first event.
	 */
	private void freshGroup(StarterApp app, String suffix) throws ExecutionException, InterruptedException {
		String id = app.id(suffix);
		if (!this.starterGroups.add(id)) {
			app.registry.deleteGroup(id);
		}
		createGroup(id);
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

	/**
	 * Run a round's delivery variants one after the other, in reverse order in every second measured round, each
	 * once the process is at rest ({@link ProcessRest}). Each variant leaves work behind for the next: the garbage of
	 * a million events, which the collector's concurrent threads may still be marking when the next variant starts
	 * (up to two and a half seconds of CPU per million events in the progress lines of run 10's first measurement),
	 * and code the JIT compiles late. The wait takes what still runs out of the next variant's time; what a variant
	 * leaves in the heap, the next one still meets, so in a fixed order the same side of a pair would always pay for
	 * the other, and alternating shares it out. (A full collection before each variant, tried instead, shrank the
	 * heap and unloaded the previous round's classes, which slowed every variant by a third.)
	 */
	private void measureInTurn(Round round, List<Step> steps) throws Exception {
		if (!round.warmUp() && round.number() % 2 == 0) {
			Collections.reverse(steps);
		}
		for (Step step : steps) {
			ProcessRest.Outcome rest = this.rest.await();
			if (!rest.rested()) {
				log("  the process did not come to rest within %d ms before %s", rest.waited().toMillis(),
						step.variant().label());
			}
			// The variant's CPU is its own: not what the wait, or the step before it, used. (It does include a
			// starter variant's reset before its start and its stop after its last event.)
			this.atLastRecord = ThreadCpu.now();
			boolean profiled = this.profiler != null && !round.warmUp();
			if (profiled) {
				this.profiler.start();
			}
			double value = step.measurement().run();
			VariantProfiler.Split split = profiled
					? this.profiler.stop(step.variant(), round.number(), step.events()) : null;
			record(round, step.variant(), value);
			if (split != null) {
				log("  profile    %-95s consumer %.3f µs/event, outside Jackson %.3f; whole process %.2f",
						step.variant().measure().label() + ": " + step.variant().label(), split.consumerMicros(),
						split.outsideJacksonMicros(),
						split.processMicros());
			}
		}
	}

	/**
	 * One delivery variant of a round.
	 * @param variant what it measures
	 * @param events how many events it delivers, for the profile's figures per event
	 * @param measurement runs it and returns its figure
	 */
	private record Step(Variant variant, long events, Measurement measurement) {
	}

	/** One variant's run, returning its figure. */
	@FunctionalInterface
	private interface Measurement {

		double run() throws Exception;

	}

	private void record(Round round, Variant variant, double value) {
		// CPU of the whole process (server included) since the previous variant: on a shared machine the rates
		// swing with the load, the CPU a variant needed much less.
		ThreadCpu now = ThreadCpu.now();
		log("  %-10s %-90s %,12.0f %s  (cpu %,d ms: %s)", round.warmUp() ? "warm-up " + round.number()
				: "run " + round.number(), variant.measure().label() + ": " + variant.label(), value,
				variant.measure().unit(), (now.processCpuNanos() - this.atLastRecord.processCpuNanos()) / 1_000_000,
				now.since(this.atLastRecord));
		this.atLastRecord = now;
		if (!round.warmUp()) {
			this.report.add(variant, value);
		}
	}

	static long processCpuNanos() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
				? os.getProcessCpuTime() : 0;
	}

	private static int scaled(int count, boolean scaledDown) {
		return scaledDown ? Math.max(1, count / 10) : count;
	}

	/** Generous: a run that takes this long is broken, not slow. */
	private static Duration timeout(long count) {
		return Duration.ofSeconds(30 + count / 1_000);
	}

	static double rate(long count, long startNanos) {
		return count / ((System.nanoTime() - startNanos) / 1e9);
	}

	/**
	 * One round: every selected variant once.
	 *
	 * @param number from 1, among the warm-up rounds or among the measured ones
	 * @param warmUp whether it is a warm-up round, logged but not reported
	 */
	private record Round(int number, boolean warmUp) {

		/**
		 * Whether the round runs a tenth of the counts: the first warm-up round does, so that the JIT sees every
		 * path soon; further warm-up rounds run the full counts, as the measured ones, so that what the JIT compiles
		 * last is what is measured (a tenth-size round alone often left the starter compiling in the first measured
		 * round).
		 */
		boolean scaledDown() {
			return this.warmUp && this.number == 1;
		}

	}

	private static void log(String format, Object... args) {
		System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
	}

}
