package io.github.esdb.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ResolvedEvent;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.BatchEventDispatcher;
import io.github.esdb.subscription.BatchSettings;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.checkpoint.JdbcCheckpointStore;
import io.github.esdb.subscription.container.DefaultSubscriptionContainerFactory;

/**
 * A read model in PostgreSQL kept exactly once ({@code transactional}, JDBC checkpoints in the same database): a
 * batch handler (one transaction, one JDBC batch of upserts and one checkpoint per batch) against a handler of single
 * events doing the same upserts (one transaction and one checkpoint per event), in one run against one embedded
 * server and one PostgreSQL. The read model adds each event's amount to its customer's total; every run checks that
 * the totals count every event exactly once (it fails otherwise). One warm-up round, then the measured rounds, the
 * two variants interleaved; the table gives medians.
 * <p>
 * PostgreSQL at {@code 127.0.0.1:5432}, database {@code test}, user {@code postgres} (trust authentication) by
 * default; the benchmark works in a schema of its own, {@value #SCHEMA}, dropped and created at the start.
 * Usage: {@code BatchHandlerBenchmark [--single-events=3000] [--batch-events=30000] [--batch-size=100] [--runs=3]
 * [--url=jdbc:postgresql://127.0.0.1:5432/test] [--user=postgres]}.
 */
public final class BatchHandlerBenchmark {

	/** The benchmark's own schema. */
	static final String SCHEMA = "esdb_batch_benchmark";

	private static final String UPSERT = "INSERT INTO customer_totals (run, customer, amount_cents, orders) "
			+ "VALUES (?, ?, ?, 1) ON CONFLICT (run, customer) DO UPDATE SET amount_cents = "
			+ "customer_totals.amount_cents + EXCLUDED.amount_cents, orders = customer_totals.orders + 1";

	private final EmbeddedEsdbServer server;

	private final KurrentDBClient client;

	private final HikariDataSource dataSource;

	private final JdbcTemplate jdbc;

	private final EventSerializer serializer = new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry());

	private final JsonMapper json = new JsonMapper();

	private int round;

	private BatchHandlerBenchmark(EmbeddedEsdbServer server, HikariDataSource dataSource) {
		this.server = server;
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/** One measured figure per variant and run. */
	record Result(String handler, int events, double eventsPerSecond) {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>(Map.of("single-events", "3000", "batch-events", "30000",
				"batch-size", "100", "runs", "3", "url", "jdbc:postgresql://127.0.0.1:5432/test", "user", "postgres"));
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			if (!options.containsKey(pair[0]) || pair.length != 2) {
				throw new IllegalArgumentException("Unknown option '" + arg + "'; options: " + options.keySet());
			}
			options.put(pair[0], pair[1].replace("_", ""));
		}
		Optional<String> unreachable = unreachable(options.get("url"), options.get("user"));
		if (unreachable.isPresent()) {
			System.err.println("[bench] " + unreachable.get());
			System.exit(2);
		}
		List<Result> results = run(options.get("url"), options.get("user"),
				Integer.parseInt(options.get("single-events")), Integer.parseInt(options.get("batch-events")),
				Integer.parseInt(options.get("batch-size")), Integer.parseInt(options.get("runs")));
		System.out.println(report(results));
		System.exit(0);
	}

	/**
	 * Why PostgreSQL cannot be used, if it cannot.
	 * @param url its JDBC URL
	 * @param user the user (trust authentication)
	 * @return the reason, empty when it can be reached
	 */
	static Optional<String> unreachable(String url, String user) {
		try (Connection connection = java.sql.DriverManager.getConnection(url, user, "")) {
			return Optional.empty();
		}
		catch (SQLException ex) {
			return Optional.of("PostgreSQL is not reachable at " + url + " as user '" + user
					+ "' (trust authentication): " + ex.getMessage() + ". The batch handler benchmark needs it; "
					+ "start it or pass --url=... --user=...");
		}
	}

	/**
	 * Run both variants {@code runs} times, interleaved, after a warm-up round with a tenth of the counts.
	 * @return the measured results
	 */
	static List<Result> run(String url, String user, int singleEvents, int batchEvents, int batchSize, int runs)
			throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start();
				HikariDataSource dataSource = dataSource(url, user)) {
			BatchHandlerBenchmark benchmark = new BatchHandlerBenchmark(server, dataSource);
			try {
				benchmark.createSchema();
				benchmark.measure("single", Math.max(10, singleEvents / 10), batchSize);
				benchmark.measure("batch", Math.max(10, batchEvents / 10), batchSize);
				List<Result> results = new ArrayList<>();
				for (int run = 0; run < runs; run++) {
					results.add(benchmark.measure("single", singleEvents, batchSize));
					results.add(benchmark.measure("batch", batchEvents, batchSize));
				}
				return results;
			}
			finally {
				benchmark.client.shutdown().get(10, TimeUnit.SECONDS);
			}
		}
	}

	private static HikariDataSource dataSource(String url, String user) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setUsername(user);
		dataSource.setMaximumPoolSize(4);
		// Every connection works in the benchmark's schema: the read model and the checkpoint table.
		dataSource.setConnectionInitSql("SET search_path TO " + SCHEMA);
		return dataSource;
	}

	private void createSchema() {
		this.jdbc.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
		this.jdbc.execute("CREATE SCHEMA " + SCHEMA);
		// Connections opened before the schema existed resolve nothing in it: start the pool afresh.
		this.dataSource.getHikariPoolMXBean().softEvictConnections();
		new ResourceDatabasePopulator(
				new ClassPathResource("io/github/esdb/subscription/checkpoint/schema-postgresql.sql"))
			.execute(this.dataSource);
		this.jdbc.execute("CREATE TABLE customer_totals (run VARCHAR(40) NOT NULL, customer VARCHAR(40) NOT NULL, "
				+ "amount_cents BIGINT NOT NULL, orders INT NOT NULL, PRIMARY KEY (run, customer))");
	}

	private Result measure(String handler, int events, int batchSize) throws Exception {
		String run = "run" + (this.round++) + "-" + handler;
		String stream = "orders-" + run;
		fill(stream, events);
		JdbcCheckpointStore store = new JdbcCheckpointStore(this.dataSource);
		DefaultSubscriptionContainerFactory factory = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(this.client))
			.serializer(this.serializer)
			.checkpointStores((name) -> store)
			.transactionManagers((name) -> new DataSourceTransactionManager(this.dataSource))
			.batch(batchSize, Duration.ofMillis(100), Map.of(), Map.of())
			.build();
		SubscriptionEndpoint.Builder endpoint = SubscriptionEndpoint.toStream(run, stream).transactional(true);
		if (handler.equals("batch")) {
			endpoint.dispatcher(new UpsertBatch(run));
		}
		else {
			endpoint.handler((event, context) -> {
				BenchmarkEvent order = read(event);
				this.jdbc.update(UPSERT, run, order.customer(), order.amountCents());
			});
		}
		SubscriptionContainer container = factory.create(endpoint.build());
		long start = System.nanoTime();
		container.start();
		try {
			awaitCheckpoint(store, run, events - 1);
		}
		finally {
			container.stop(Duration.ofSeconds(30));
		}
		double rate = events / ((System.nanoTime() - start) / 1e9);
		Long counted = this.jdbc.queryForObject("SELECT SUM(orders) FROM customer_totals WHERE run = ?", Long.class,
				run);
		if (counted == null || counted != events) {
			throw new IllegalStateException("The read model of " + run + " counts " + counted + " orders for " + events
					+ " events: not exactly once");
		}
		System.out.printf(Locale.ROOT, "[bench] %s handler: %,d events, %,.0f events/s%n", handler, events, rate);
		return new Result(handler, events, rate);
	}

	private void awaitCheckpoint(JdbcCheckpointStore store, String run, long last) throws InterruptedException {
		Checkpoint target = Checkpoint.ofRevision(last);
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
		while (!store.load(run).map((stored) -> !target.isAfter(stored)).orElse(false)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Subscription " + run + " did not reach revision " + last
						+ " in 10 minutes (at " + store.load(run).orElse(null) + ")");
			}
			Thread.sleep(5);
		}
	}

	private BenchmarkEvent read(ResolvedEvent event) {
		return this.json.readValue(event.getEvent().getEventData(), BenchmarkEvent.class);
	}

	private void fill(String stream, int events) {
		for (int from = 0; from < events; from += 500) {
			List<ProposedEvent> chunk = new ArrayList<>();
			for (int i = from; i < Math.min(events, from + 500); i++) {
				chunk.add(new ProposedEvent(UUID.randomUUID(), BenchmarkEvent.TYPE, true,
						this.json.writeValueAsBytes(BenchmarkEvent.sample(i)), new byte[0]));
			}
			this.server.store().append(stream, ExpectedRevision.ANY, chunk);
		}
	}

	/** The batch handler: one JDBC batch of upserts per batch of events, in the batch's transaction. */
	private final class UpsertBatch implements BatchEventDispatcher {

		private final String run;

		UpsertBatch(String run) {
			this.run = run;
		}

		@Override
		public boolean accepts(EventContext context) {
			return true;
		}

		@Override
		public void dispatchBatch(List<ResolvedEvent> events, List<EventContext> contexts) {
			List<Object[]> rows = new ArrayList<>(events.size());
			for (ResolvedEvent event : events) {
				BenchmarkEvent order = read(event);
				rows.add(new Object[] { this.run, order.customer(), order.amountCents() });
			}
			BatchHandlerBenchmark.this.jdbc.batchUpdate(UPSERT, rows);
		}

		@Override
		public Optional<Set<String>> acceptedEventTypes() {
			return Optional.empty();
		}

		@Override
		public BatchSettings batchSettings() {
			return BatchSettings.DEFAULTS;
		}

	}

	/**
	 * The Markdown table: the median of each variant and the ratio of batch to single.
	 * @param results the runs
	 * @return the table
	 */
	static String report(List<Result> results) {
		double single = median(results, "single");
		double batch = median(results, "batch");
		return String.format(Locale.ROOT,
				"| handler | events/s (median) |%n|---|---:|%n| single events, one transaction each | %,.0f |%n"
						+ "| batches, one transaction each | %,.0f |%n| batch / single | %.1f |%n",
				single, batch, batch / single);
	}

	static double median(List<Result> results, String handler) {
		double[] values = results.stream()
			.filter((result) -> result.handler().equals(handler))
			.mapToDouble(Result::eventsPerSecond)
			.sorted()
			.toArray();
		return (values.length == 0) ? Double.NaN : values[values.length / 2];
	}

}
