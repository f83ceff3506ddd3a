package io.github.esdb.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;

import io.github.esdb.embedded.EmbeddedEsdbServerMain;

/**
 * The proof of coordinated catch-up subscriptions across application replicas: one standalone embedded server JVM,
 * N replica JVMs ({@link ScaleOutReplica}) running one coordinated subscription, a writer in this JVM appending
 * events while a replica is killed with SIGKILL and restarted, again and again. Afterwards the rows the handler wrote
 * into PostgreSQL show whether every event was handled (exactly once with {@code jdbc}), and whether two replicas
 * ever handled the subscription at the same time ({@link ScaleOutReport}). Each run uses a PostgreSQL schema of its
 * own ({@code 127.0.0.1:5432}, database {@code test}, user {@code postgres}). See docs/performance.md, "Scale-out".
 */
public final class ScaleOutScenario {

	/** Where PostgreSQL is ({@code -Desdb.test.postgres.url=...} points elsewhere). */
	static final String POSTGRES_URL = System.getProperty("esdb.test.postgres.url",
			"jdbc:postgresql://127.0.0.1:5432/test");

	static final String POSTGRES_USER = "postgres";

	/** The longest wait for a JVM to start, for the subscription to be handled again, or for the last event. */
	private static final Duration PATIENCE = Duration.ofSeconds(180);

	private final ScaleOutOptions options;

	private final Consumer<String> log;

	private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

	private final String schema = "esdb_scaleout_" + this.run;

	private final String stream = "scaleout-" + this.run;

	private final Path logs;

	private final List<Process> processes = new ArrayList<>();

	private final Random random = new Random();

	private ScaleOutScenario(ScaleOutOptions options, Consumer<String> log) throws IOException {
		this.options = options;
		this.log = log;
		this.logs = Files.createTempDirectory("esdb-scaleout-" + this.run + "-");
	}

	/**
	 * Run the scenario with {@code --name=value} options ({@link ScaleOutOptions#usage()}); prints the report and exits
	 * with 1 when it did not pass.
	 * @param args the options
	 * @throws Exception when the run could not be carried out
	 */
	public static void main(String[] args) throws Exception {
		ScaleOutOptions options = ScaleOutOptions.parse(args);
		ScaleOutReport report = run(options, (line) -> System.out.println("[scaleout] " + line));
		System.out.println(report.toMarkdown());
		System.exit(report.passed() ? 0 : 1);
	}

	/**
	 * Run the scenario.
	 * @param options what to run
	 * @param log where progress lines go
	 * @return what it found
	 * @throws Exception when the run could not be carried out (PostgreSQL missing, a JVM not starting)
	 */
	public static ScaleOutReport run(ScaleOutOptions options, Consumer<String> log) throws Exception {
		return new ScaleOutScenario(options, log).run();
	}

	private ScaleOutReport run() throws Exception {
		this.log.accept("run " + this.run + ": " + this.options + "; schema " + this.schema + ", logs in " + this.logs);
		createSchema();
		Thread cleanUp = new Thread(this::destroyAll, "scaleout-clean-up");
		Runtime.getRuntime().addShutdownHook(cleanUp);
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			// The server's connection string is known before it runs: the replicas' JVMs start while it starts.
			String connectionString = "kurrentdb://127.0.0.1:" + port + "?tls=false";
			Path serverLog = startServer(port);
			Replica[] replicas = new Replica[this.options.replicas()];
			for (int i = 0; i < replicas.length; i++) {
				replicas[i] = startReplica(i, 0, connectionString);
			}
			awaitServer(serverLog, connectionString);
			KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString));
			try {
				return drive(client, connectionString, replicas);
			}
			finally {
				client.shutdown().get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			destroyAll();
			Runtime.getRuntime().removeShutdownHook(cleanUp);
			if (!this.options.keepSchema()) {
				sql("DROP SCHEMA " + this.schema + " CASCADE");
			}
		}
	}

	private ScaleOutReport drive(KurrentDBClient client, String connectionString, Replica[] replicas)
			throws Exception {
		for (Replica replica : replicas) {
			awaitStarted(replica);
		}
		this.log.accept(replicas.length + " replicas started");

		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < this.options.events(); i++) {
			ids.add(UUID.randomUUID());
		}
		// The writer appends one share of the events per round between kills, paced to last about a round, so that
		// events arrive before, during and after every handover.
		AtomicInteger round = new AtomicInteger();
		AtomicReference<Throwable> writerFailure = new AtomicReference<>();
		Thread writer = new Thread(() -> write(client, ids, round, writerFailure), "scaleout-writer");
		long begin = System.nanoTime();
		writer.start();

		List<ScaleOutReport.Kill> kills = new ArrayList<>();
		boolean tookOver = true;
		long lastKill = ScaleOutHandler.micros(Instant.now());
		long lastKillNanos = System.nanoTime();
		for (int k = 0; k < this.options.kills() && tookOver; k++) {
			long since = lastKill;
			tookOver = await(() -> latest(since).isPresent());
			if (!tookOver) {
				this.log.accept("no replica handled an event within " + PATIENCE + " after the last kill");
				break;
			}
			for (Replica replica : replicas) {
				awaitStarted(replica);
			}
			long wait = this.options.killEvery().toNanos() - (System.nanoTime() - lastKillNanos);
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			String owner = latest(0).map(ScaleOutReport.Row::replica).orElse("");
			int victim = switch (this.options.target()) {
				case RANDOM -> this.random.nextInt(replicas.length);
				case OWNER -> ownerIndex(replicas, owner);
			};
			Replica killed = replicas[victim];
			lastKill = ScaleOutHandler.micros(Instant.now());
			lastKillNanos = System.nanoTime();
			killed.process.destroyForcibly();
			killed.process.waitFor();
			boolean wasOwner = killed.id.equals(owner);
			kills.add(new ScaleOutReport.Kill(killed.id, lastKill, wasOwner));
			String role = (this.options.segments() > 1) ? (wasOwner ? " (handled the latest event)" : "")
					: (wasOwner ? " (the owner)" : " (standing by)");
			this.log.accept("kill " + (k + 1) + ": " + killed.id + role);
			round.incrementAndGet();
			if (k + 1 < this.options.kills()) {
				// Nothing waits for a restart after the last kill; it would only take CPU from the catching-up owner.
				replicas[victim] = startReplica(victim, killed.generation + 1, connectionString);
			}
		}
		round.set(Integer.MAX_VALUE);
		writer.join();
		if (writerFailure.get() != null) {
			throw new IllegalStateException("The writer failed", writerFailure.get());
		}
		boolean allHandled = await(() -> handledEvents() >= this.options.events());
		double seconds = (System.nanoTime() - begin) / 1e9;
		this.log.accept(allHandled ? "every event handled after " + Math.round(seconds) + " s"
				: "not every event handled within " + PATIENCE);
		stopGracefully(replicas);
		return ScaleOutReport.of(this.options, ids, rows(), kills, tookOver && allHandled, seconds);
	}

	private void write(KurrentDBClient client, List<UUID> ids, AtomicInteger round, AtomicReference<Throwable> failure) {
		int shares = this.options.kills() + 1;
		long pause = this.options.killEvery().toNanos() * shares / ids.size();
		try {
			for (int n = 0; n < ids.size(); n++) {
				while ((long) ids.size() * (round.get() + 1L) / shares <= n) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				}
				long start = System.nanoTime();
				byte[] data = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
				client.appendToStream(this.stream, EventData.builderAsJson("ScaleOutEvent", data).eventId(ids.get(n)).build())
					.get(30, TimeUnit.SECONDS);
				LockSupport.parkNanos(pause - (System.nanoTime() - start));
			}
			this.log.accept(ids.size() + " events written");
		}
		catch (Exception ex) {
			failure.set(ex);
		}
	}

	private static int ownerIndex(Replica[] replicas, String owner) {
		for (int i = 0; i < replicas.length; i++) {
			if (replicas[i].id.equals(owner)) {
				return i;
			}
		}
		return 0;
	}

	private record Replica(String id, int index, int generation, Process process, Path log) {

	}

	private Replica startReplica(int index, int generation, String connectionString) throws IOException {
		String id = "r" + index + "." + generation;
		boolean jdbc = this.options.mode() == ScaleOutOptions.Mode.JDBC;
		List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				ScaleOutReplica.class.getName(), "--esdb.connection-string=" + connectionString,
				"--spring.datasource.url=" + POSTGRES_URL + "?currentSchema=" + this.schema,
				"--spring.datasource.username=" + POSTGRES_USER, "--spring.datasource.password=",
				"--spring.datasource.hikari.maximum-pool-size=4",
				"--esdb.subscriptions.coordination.mode=" + this.options.mode().name().toLowerCase(Locale.ROOT),
				"--esdb.subscriptions.coordination.instance-id=" + id,
				"--esdb.subscriptions.coordination.lease-ttl=" + this.options.leaseTtl().toMillis() + "ms",
				"--esdb.subscriptions.coordination.renew-interval=" + this.options.renewInterval().toMillis() + "ms",
				"--esdb.subscriptions.checkpoint.store=" + (jdbc ? "jdbc" : "kurrentdb"),
				"--esdb.subscriptions.checkpoint.jdbc.initialize-schema=never",
				"--esdb.subscriptions.checkpoint.every-events=" + this.options.checkpointEvery(),
				"--scaleout.subscription-id=scaleout", "--scaleout.stream=" + this.stream,
				"--scaleout.transactional=" + jdbc, "--logging.level.io.github.esdb.subscription=INFO",
				"--scaleout.segments=" + this.options.segments(),
				// Events of one stream: partitioned by event id, so that every segment has work.
				"--scaleout.partition-by=" + ((this.options.segments() > 1) ? "context.eventId" : "")));
		Path log = this.logs.resolve(id + ".log");
		Process process = start(command, log);
		return new Replica(id, index, generation, process, log);
	}

	private Path startServer(int port) throws IOException {
		Path log = this.logs.resolve("server.log");
		start(List.of(java(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
				EmbeddedEsdbServerMain.class.getName(), "--host", "127.0.0.1", "--port", String.valueOf(port)), log);
		return log;
	}

	private void awaitServer(Path log, String connectionString) throws InterruptedException {
		if (!await(() -> read(log).contains("Connection string: "))) {
			throw new IllegalStateException("The embedded server did not start; see " + log);
		}
		if (!read(log).contains("Connection string: " + connectionString)) {
			throw new IllegalStateException("The embedded server does not serve " + connectionString + "; see " + log);
		}
		this.log.accept("server at " + connectionString);
	}

	private Process start(List<String> command, Path log) throws IOException {
		// Standard input stays a pipe from us: the replica exits when it closes (we are gone).
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		synchronized (this.processes) {
			this.processes.add(process);
		}
		return process;
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private void awaitStarted(Replica replica) throws InterruptedException {
		if (!await(() -> read(replica.log).contains(ScaleOutReplica.READY) || !replica.process.isAlive())
				|| !replica.process.isAlive()) {
			throw new IllegalStateException("Replica " + replica.id + " did not start; see " + replica.log);
		}
	}

	private void stopGracefully(Replica[] replicas) throws InterruptedException {
		for (Replica replica : replicas) {
			replica.process.destroy();
		}
		for (Replica replica : replicas) {
			if (!replica.process.waitFor(30, TimeUnit.SECONDS)) {
				replica.process.destroyForcibly();
			}
		}
	}

	private void destroyAll() {
		synchronized (this.processes) {
			this.processes.forEach(Process::destroyForcibly);
		}
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean await(Supplier<Boolean> condition) throws InterruptedException {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.get()) {
				return true;
			}
			TimeUnit.MILLISECONDS.sleep(50);
		}
		return condition.get();
	}

	private void createSchema() throws SQLException {
		sql("CREATE SCHEMA " + this.schema);
		try (Connection connection = connect()) {
			connection.createStatement()
				.execute("CREATE TABLE scaleout_handled (event_id UUID NOT NULL, revision BIGINT NOT NULL, "
						+ "replica VARCHAR(40) NOT NULL, segment VARCHAR(40) NOT NULL, started_us BIGINT NOT NULL, "
						+ "ended_us BIGINT NOT NULL)");
			// The tables of the JDBC checkpoint and lease stores, created once here rather than by three replicas
			// starting at the same moment (what an application's migrations do).
			new ResourceDatabasePopulator(
					new ClassPathResource("io/github/esdb/subscription/checkpoint/schema-postgresql.sql"),
					new ClassPathResource("io/github/esdb/subscription/coordination/schema-postgresql.sql"))
				.populate(connection);
		}
	}

	private void sql(String statement) throws SQLException {
		try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
			connection.createStatement().execute(statement);
		}
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(POSTGRES_URL + "?currentSchema=" + this.schema, POSTGRES_USER, "");
	}

	private long handledEvents() {
		try (Connection connection = connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT COUNT(DISTINCT event_id) FROM scaleout_handled")) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The row of the latest handler call that started after the given time (microseconds), if any. */
	private Optional<ScaleOutReport.Row> latest(long after) {
		List<ScaleOutReport.Row> rows = query(
				"SELECT * FROM scaleout_handled WHERE started_us > " + after + " ORDER BY started_us DESC LIMIT 1");
		return rows.stream().findFirst();
	}

	private List<ScaleOutReport.Row> rows() {
		return query("SELECT * FROM scaleout_handled");
	}

	private List<ScaleOutReport.Row> query(String sql) {
		try (Connection connection = connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			List<ScaleOutReport.Row> rows = new ArrayList<>();
			while (result.next()) {
				rows.add(new ScaleOutReport.Row(result.getObject("event_id", UUID.class), result.getLong("revision"),
						result.getString("replica"), result.getString("segment"), result.getLong("started_us"),
						result.getLong("ended_us")));
			}
			return rows;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
