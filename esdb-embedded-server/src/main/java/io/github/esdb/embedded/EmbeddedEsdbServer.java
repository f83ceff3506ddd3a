package io.github.esdb.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.esdb.embedded.grpc.AccessControl;
import io.github.esdb.embedded.grpc.ActiveCalls;
import io.github.esdb.embedded.grpc.AppendLimits;
import io.github.esdb.embedded.grpc.AppendSessionService;
import io.github.esdb.embedded.grpc.AuthInterceptor;
import io.github.esdb.embedded.grpc.AuthorityInterceptor;
import io.github.esdb.embedded.grpc.GossipService;
import io.github.esdb.embedded.grpc.ServerFeaturesService;
import io.github.esdb.embedded.grpc.StreamsService;
import io.github.esdb.embedded.projections.ProjectionsService;
import io.github.esdb.embedded.projections.SystemProjections;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.FsyncPolicy;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrentdb.protocol.v2.streams.StreamsServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory, single-node KurrentDB-compatible gRPC server for tests and local development. The official client
 * connects to it over real TCP (plaintext or TLS) exactly as to a KurrentDB node.
 * <p>
 * It is not distributed, and by default not durable: everything lives on the heap of this JVM. With
 * {@link Builder#dataDir(Path)} it also keeps an append-only log on disk and reads it back when built again on the same
 * directory. {@link #stop()} followed by {@link #start()} binds the same port again and keeps every stream, so tests
 * can cut clients off and bring the server back.
 *
 * <pre>{@code
 * try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
 *     KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
 * }
 * }</pre>
 */
public final class EmbeddedEsdbServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedEsdbServer.class);

	/** The password of a real node's default users {@code admin} and {@code ops} until it is changed. */
	private static final String DEFAULT_PASSWORD = "changeit";

	private final String host;

	private final String advertisedHost;

	private final Map<String, String> users;

	/** The groups of configured users, beyond the default users' own. */
	private final Map<String, Set<String>> groups;

	private final Path tlsCertificate;

	private final Path tlsKey;

	private final AppendLimits limits;

	private final List<ServiceFactory> serviceFactories;

	private final EventStore store;

	/** The data directory of a durable server, null in memory. */
	private final Path dataDir;

	/** Set by {@link #close()}: a durable server has released its data directory and cannot start again. */
	private volatile boolean closed;

	/** The system projections, null with {@link ProjectionsMode#NONE}. */
	private final SystemProjections projections;

	private final UUID instanceId = UUID.randomUUID();

	/** Volatile, not guarded: Gossip reads it on transport threads, possibly while stop() holds the lock. */
	private volatile int port;

	private volatile Server server;

	private ScheduledExecutorService executor;

	/** Runs the evaluation of user-supplied filter regexes, away from the threads serving other calls. */
	private ExecutorService filterExecutor;

	private ActiveCalls activeCalls;

	private List<Runnable> stopCallbacks;

	private EmbeddedEsdbServer(Builder builder) {
		this.host = builder.host;
		this.port = builder.port;
		this.advertisedHost = builder.advertisedHost;
		this.users = Map.copyOf(builder.users);
		this.groups = Map.copyOf(builder.groups);
		this.tlsCertificate = builder.tlsCertificate;
		this.tlsKey = builder.tlsKey;
		this.limits = new AppendLimits(builder.maxAppendSize, builder.maxEventSize);
		List<ServiceFactory> factories = new ArrayList<>(builder.serviceFactories);
		if (builder.discoverServices) {
			for (ServiceFactory discovered : ServiceLoader.load(ServiceFactory.class)) {
				boolean registered = factories.stream().anyMatch((f) -> f.getClass() == discovered.getClass());
				if (!registered) {
					logger.debug("Discovered service factory {}", discovered.getClass().getName());
					factories.add(discovered);
				}
			}
		}
		this.serviceFactories = List.copyOf(factories);
		this.dataDir = builder.dataDir;
		this.store = (this.dataDir != null) ? EventStore.open(this.dataDir, builder.fsync) : new EventStore();
		try {
			this.projections = (builder.projections == ProjectionsMode.SYSTEM) ? new SystemProjections(this.store)
					: null;
			if (this.store.size() == 0) {
				new FreshNodeLog(this.store).write(this.users.keySet(), this.projections);
			}
			else if (this.projections != null) {
				// A durable log read back: the projections pick up where their definitions and the log left them.
				this.projections.resumeFromLog();
			}
		}
		catch (RuntimeException ex) {
			this.store.close();
			throw ex;
		}
	}

	/**
	 * A builder with the defaults: 127.0.0.1, a random port, insecure (no authentication, plaintext).
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Binds the port and starts serving. After a {@link #stop()} this binds the same port again, with all data.
	 * @return this server
	 * @throws UncheckedIOException when the port cannot be bound
	 * @throws IllegalStateException when the TLS certificate or key cannot be loaded
	 */
	public synchronized EmbeddedEsdbServer start() {
		if (this.server != null) {
			return this;
		}
		if (this.closed && this.dataDir != null) {
			throw new IllegalStateException("This embedded server was closed and released its data directory "
					+ this.dataDir + "; build a new server on it to serve its data again");
		}
		SslContext sslContext = sslContext();
		this.executor = Executors.newScheduledThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
				daemonThreads("esdb-embedded-"));
		// At most half the cores: a pathological expression keeps the others for the calls that do not filter.
		this.filterExecutor = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
				daemonThreads("esdb-embedded-filter-"));
		this.activeCalls = new ActiveCalls();
		this.stopCallbacks = new CopyOnWriteArrayList<>();
		List<ServerServiceDefinition> definitions = new ArrayList<>();
		ServiceContext context = new RunningContext();
		definitions.add(ServiceContext
			.implementedOnly(
					new StreamsService(this.store, this.executor, this.filterExecutor, this.limits, this.activeCalls,
							!this.users.isEmpty()),
					Set.of("Read", "Append", "Delete", "Tombstone"))
			.bindService());
		definitions.add(new AppendSessionService(this.store, this.limits, !this.users.isEmpty()).bindService());
		if (this.projections != null) {
			definitions.add(new ProjectionsService(this.projections, new AccessControl(this.store)).bindService());
		}
		for (ServiceFactory factory : this.serviceFactories) {
			ServerServiceDefinition definition = factory.create(context).bindService();
			// A service registered later replaces one of the same name (e.g. the default persistent subscriptions).
			definitions.removeIf((d) -> d.getServiceDescriptor().getName().equals(definition.getServiceDescriptor().getName()));
			definitions.add(definition);
		}
		List<ServerServiceDefinition> advertised = List.copyOf(definitions);
		List<ServerServiceDefinition> all = new ArrayList<>(definitions);
		all.add(new ServerFeaturesService(() -> allWith(advertised)).bindService());
		all.add(ServerInterceptors.intercept(new GossipService(this.instanceId, this.advertisedHost, this::port),
				new AuthorityInterceptor()));

		NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(this.host, this.port))
			.permitKeepAliveTime(5, TimeUnit.SECONDS)
			.permitKeepAliveWithoutCalls(true)
			.maxInboundMessageSize(17 * 1024 * 1024)
			.withChildOption(ChannelOption.TCP_NODELAY, true)
			.withOption(ChannelOption.SO_REUSEADDR, true)
			.callExecutor(new BuiltInCallExecutor());
		AuthInterceptor authentication = this.users.isEmpty() ? null : new AuthInterceptor(knownUsers(), knownGroups());
		for (ServerServiceDefinition definition : all) {
			builder.addService((authentication != null) ? ServerInterceptors.intercept(definition, authentication)
					: definition);
		}
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		try {
			this.server = builder.build().start();
		}
		catch (IOException ex) {
			this.executor.shutdownNow();
			this.filterExecutor.shutdownNow();
			throw new UncheckedIOException("Cannot bind " + this.host + ":" + this.port, ex);
		}
		this.port = this.server.getPort();
		logger.info("Embedded KurrentDB server listening on {}:{} ({}, {}, {})", this.host, this.port,
				(this.tlsCertificate != null) ? "TLS" : "plaintext",
				this.users.isEmpty() ? "insecure" : "authentication required",
				(this.dataDir != null) ? "data in " + this.dataDir.toAbsolutePath() : "in memory");
		return this;
	}

	/**
	 * Who may log in on a secure node: like a real node, the default users {@code admin} and {@code ops} (password
	 * {@code changeit}), and the configured users, which add to them or change their passwords.
	 */
	private Map<String, String> knownUsers() {
		Map<String, String> known = new LinkedHashMap<>();
		known.put("admin", DEFAULT_PASSWORD);
		known.put("ops", DEFAULT_PASSWORD);
		known.putAll(this.users);
		return known;
	}

	/** Like a real node: {@code admin} in {@code $admins}, {@code ops} in {@code $ops}, plus configured groups. */
	private Map<String, Set<String>> knownGroups() {
		Map<String, Set<String>> known = new LinkedHashMap<>();
		known.put("admin", Set.of("$admins"));
		known.put("ops", Set.of("$ops"));
		this.groups.forEach((user, extra) -> {
			Set<String> all = new java.util.LinkedHashSet<>(known.getOrDefault(user, Set.of()));
			all.addAll(extra);
			known.put(user, Set.copyOf(all));
		});
		return known;
	}

	private SslContext sslContext() {
		if (this.tlsCertificate == null) {
			return null;
		}
		try {
			return GrpcSslContexts.forServer(this.tlsCertificate.toFile(), this.tlsKey.toFile()).build();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Cannot load the TLS certificate " + this.tlsCertificate + " or key "
					+ this.tlsKey + ": " + ex.getMessage(), ex);
		}
	}

	private List<ServerServiceDefinition> allWith(List<ServerServiceDefinition> services) {
		List<ServerServiceDefinition> list = new ArrayList<>(services);
		list.add(CoreServiceDefinitions.SERVER_FEATURES);
		list.add(CoreServiceDefinitions.GOSSIP);
		return list;
	}

	/**
	 * Stops serving: open reads and subscriptions end with UNAVAILABLE (like a node shutting down), then the port
	 * is released. The data is kept; {@link #start()} resumes on the same port.
	 */
	public synchronized void stop() {
		if (this.server == null) {
			return;
		}
		for (Runnable callback : this.stopCallbacks) {
			try {
				callback.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Stop callback failed", ex);
			}
		}
		this.activeCalls.failAll("Server is shutting down.");
		this.server.shutdown();
		try {
			if (!this.server.awaitTermination(2, TimeUnit.SECONDS)) {
				this.server.shutdownNow();
				this.server.awaitTermination(2, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.server.shutdownNow();
			Thread.currentThread().interrupt();
		}
		this.executor.shutdownNow();
		this.filterExecutor.shutdownNow();
		this.server = null;
		logger.info("Embedded KurrentDB server on port {} stopped", this.port);
	}

	/**
	 * Clears everything, for tests that share one server: every stream and event, persistent subscription groups
	 * with their checkpoints and parked events, stream metadata. A running server is stopped and started again on the
	 * same port around the clearing, so open reads and subscriptions end with UNAVAILABLE (as after a restart) and
	 * connected clients reconnect by themselves; a stopped server stays stopped.
	 * <p>
	 * Positions in {@code $all} go on after the last one handed out rather than starting again at 1: a subscription
	 * to {@code $all} that resumes from where it was (a catch-up subscription of a running application does) receives
	 * every event written after the reset. Stream revisions do start again at 0, so a subscription to one stream that
	 * resumes after revision 5 only sees that stream's events from revision 6: give each test its own stream names,
	 * or a fresh application.
	 */
	public synchronized void reset() {
		boolean running = isRunning();
		if (running) {
			stop();
		}
		this.store.reset();
		if (this.projections != null) {
			this.projections.reset();
		}
		new FreshNodeLog(this.store).write(this.users.keySet(), this.projections);
		logger.info("Embedded KurrentDB server on port {} reset: all streams, events and persistent subscriptions "
				+ "removed; the system events of a fresh node written again", this.port);
		if (running) {
			start();
		}
	}

	/**
	 * Same as {@link #stop()}; a durable server also forces its log to the disk and releases its data directory, so
	 * another server can open it (this one cannot start again).
	 */
	@Override
	public synchronized void close() {
		stop();
		this.closed = true;
		this.store.close();
	}

	/**
	 * The data directory of a durable server.
	 * @return the directory, or null when the data lives in memory
	 */
	public Path dataDir() {
		return this.dataDir;
	}

	/**
	 * Whether the server is serving.
	 * @return true between start and stop
	 */
	public boolean isRunning() {
		return this.server != null;
	}

	/**
	 * Whether calls need Basic credentials (users were configured).
	 * @return false for an insecure server
	 */
	public boolean requiresAuthentication() {
		return !this.users.isEmpty();
	}

	/**
	 * The bound port (the configured one before the first start).
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The host clients should dial: the advertised host, or the bind host (127.0.0.1 for a wildcard bind).
	 * @return the host
	 */
	public String clientHost() {
		if (this.advertisedHost != null) {
			return this.advertisedHost;
		}
		return (this.host.equals("0.0.0.0") || this.host.equals("::")) ? "127.0.0.1" : this.host;
	}

	/**
	 * The connection string for the official client, e.g. {@code kurrentdb://127.0.0.1:2113?tls=false}. With TLS it
	 * ends in {@code ?tls=true}; use {@link #connectionString(Path)} to add the CA file.
	 * @return the connection string without credentials
	 */
	public String connectionString() {
		return "kurrentdb://" + clientHost() + ":" + port() + ((this.tlsCertificate != null) ? "?tls=true" : "?tls=false");
	}

	/**
	 * The TLS connection string trusting the given CA (or self-signed certificate) file.
	 * @param caFile the PEM file the client should trust
	 * @return {@code kurrentdb://host:port?tls=true&tlsCaFile=...}
	 */
	public String connectionString(Path caFile) {
		return "kurrentdb://" + clientHost() + ":" + port() + "?tls=true&tlsCaFile=" + caFile.toAbsolutePath();
	}

	/**
	 * The connection string with credentials.
	 * @param user the user
	 * @param password the password
	 * @return {@code kurrentdb://user:password@host:port?tls=...}
	 */
	public String connectionString(String user, String password) {
		return connectionString().replace("kurrentdb://", "kurrentdb://" + user + ":" + password + "@");
	}

	/**
	 * The store behind the server (for tests and extra services).
	 * @return the store
	 */
	public EventStore store() {
		return this.store;
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Built-in handlers never block (appends take the store lock briefly, reads hand off to pumps), so they run on
	 * the transport thread and save a thread hop per call; services from factories keep gRPC's default executor.
	 */
	private static final class BuiltInCallExecutor implements ServerCallExecutorSupplier {

		private static final Set<String> BUILT_IN = Set.of(StreamsGrpc.SERVICE_NAME, StreamsServiceGrpc.SERVICE_NAME,
				ServerFeaturesGrpc.SERVICE_NAME, GossipGrpc.SERVICE_NAME);

		@Override
		public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata metadata) {
			return BUILT_IN.contains(call.getMethodDescriptor().getServiceName()) ? Runnable::run : null;
		}

	}

	private final class RunningContext implements ServiceContext {

		@Override
		public EventStore store() {
			return EmbeddedEsdbServer.this.store;
		}

		@Override
		public ScheduledExecutorService executor() {
			return EmbeddedEsdbServer.this.executor;
		}

		@Override
		public Executor filterExecutor() {
			return EmbeddedEsdbServer.this.filterExecutor;
		}

		@Override
		public void onStop(Runnable callback) {
			EmbeddedEsdbServer.this.stopCallbacks.add(callback);
		}

	}

	/** Configures an {@link EmbeddedEsdbServer}. */
	public static final class Builder {

		private String host = "127.0.0.1";

		private int port;

		private String advertisedHost;

		private final Map<String, String> users = new LinkedHashMap<>();

		private final Map<String, Set<String>> groups = new LinkedHashMap<>();

		private Path tlsCertificate;

		private Path tlsKey;

		private int maxAppendSize = AppendLimits.DEFAULT.maxAppendSize();

		private int maxEventSize = AppendLimits.DEFAULT.maxEventSize();

		private final List<ServiceFactory> serviceFactories = new ArrayList<>(
				List.of(new io.github.esdb.embedded.persistent.PersistentSubscriptionsServiceFactory()));

		private boolean discoverServices = true;

		private ProjectionsMode projections = ProjectionsMode.SYSTEM;

		private Path dataDir;

		private FsyncPolicy fsync = FsyncPolicy.INTERVAL;

		private Builder() {
		}

		/**
		 * Keeps the data on disk in this directory (created when missing), so events, stream metadata and deletions,
		 * persistent subscription groups with their checkpoints and parked events survive a restart, like H2's file
		 * mode. One server at a time: a lock file in the directory keeps a second one out. Default: none, the data
		 * lives in memory only.
		 * @param directory the data directory, null for memory
		 * @return this builder
		 */
		public Builder dataDir(Path directory) {
			this.dataDir = directory;
			return this;
		}

		/**
		 * When a durable server forces its log to the disk, default {@link FsyncPolicy#INTERVAL} (every second).
		 * Every commit reaches the file before it is answered whatever the policy, so a killed process loses
		 * nothing; the policy decides what a power cut may take. No effect in memory.
		 * @param policy the policy
		 * @return this builder
		 */
		public Builder fsync(FsyncPolicy policy) {
			this.fsync = Objects.requireNonNull(policy);
			return this;
		}

		/**
		 * Which projections run, default {@link ProjectionsMode#SYSTEM}: the system projections write
		 * {@code $ce-<category>}, {@code $et-<type>}, {@code $category-<category>} and {@code $streams} as a real
		 * node started with the standard projections does, and the Projections service manages them.
		 * {@link ProjectionsMode#NONE} runs none and does not bind the Projections service.
		 * @param mode the mode
		 * @return this builder
		 */
		public Builder projections(ProjectionsMode mode) {
			this.projections = Objects.requireNonNull(mode);
			return this;
		}

		/**
		 * The address to bind, default {@code 127.0.0.1}.
		 * @param host a host name or IP
		 * @return this builder
		 */
		public Builder host(String host) {
			this.host = Objects.requireNonNull(host);
			return this;
		}

		/**
		 * The port, default 0 (a random free port, kept across restarts).
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * The host announced by Gossip and used in connection strings (default: the host the client dialled).
		 * @param advertisedHost the host
		 * @return this builder
		 */
		public Builder advertisedHost(String advertisedHost) {
			this.advertisedHost = advertisedHost;
			return this;
		}

		/**
		 * Adds a user; with at least one user every call must carry valid Basic credentials. The node then also has a
		 * real node's default users {@code admin} and {@code ops} with password {@code changeit}; adding one of them
		 * changes its password.
		 * @param name the user name
		 * @param password the password
		 * @return this builder
		 */
		public Builder user(String name, String password) {
			this.users.put(Objects.requireNonNull(name), Objects.requireNonNull(password));
			return this;
		}

		/**
		 * Adds a user in groups, for access control: stream ACLs may name a group, and {@code $admins} and
		 * {@code $ops} carry their rights as on a real node ({@code admin} stays in {@code $admins} and {@code ops}
		 * in {@code $ops} whatever is given here).
		 * @param name the user name
		 * @param password the password
		 * @param groups the groups, e.g. {@code "$ops"} or {@code "accounting"}
		 * @return this builder
		 */
		public Builder user(String name, String password, String... groups) {
			user(name, password);
			this.groups.computeIfAbsent(name, (n) -> new java.util.LinkedHashSet<>()).addAll(List.of(groups));
			return this;
		}

		/**
		 * Adds a user from {@code name:password}.
		 * @param credentials e.g. {@code admin:changeit}
		 * @return this builder
		 */
		public Builder user(String credentials) {
			int colon = credentials.indexOf(':');
			if (colon <= 0) {
				throw new IllegalArgumentException("Expected user:password");
			}
			return user(credentials.substring(0, colon), credentials.substring(colon + 1));
		}

		/**
		 * Serves TLS with a PEM certificate chain and a PEM (PKCS#8) private key.
		 * @param certificateChain the certificate file
		 * @param privateKey the key file
		 * @return this builder
		 */
		public Builder tls(Path certificateChain, Path privateKey) {
			this.tlsCertificate = Objects.requireNonNull(certificateChain);
			this.tlsKey = Objects.requireNonNull(privateKey);
			return this;
		}

		/**
		 * Maximum total size of one append, default 1 MiB.
		 * @param bytes the limit
		 * @return this builder
		 */
		public Builder maxAppendSize(int bytes) {
			this.maxAppendSize = bytes;
			return this;
		}

		/**
		 * Maximum size of one event (data, metadata and type), default 16 MiB.
		 * @param bytes the limit
		 * @return this builder
		 */
		public Builder maxEventSize(int bytes) {
			this.maxEventSize = bytes;
			return this;
		}

		/**
		 * Registers an extra gRPC service built on the store (e.g. persistent subscriptions).
		 * @param factory the factory, called on every start
		 * @return this builder
		 */
		public Builder service(ServiceFactory factory) {
			this.serviceFactories.add(Objects.requireNonNull(factory));
			return this;
		}

		/**
		 * Whether to add the {@link ServiceFactory} implementations listed in
		 * {@code META-INF/services/io.github.esdb.embedded.ServiceFactory} (default true), so a module on the class
		 * path (e.g. persistent subscriptions) plugs in without code. Factories also registered with
		 * {@link #service} are not added twice.
		 * @param discover false to use only the explicitly registered services
		 * @return this builder
		 */
		public Builder discoverServices(boolean discover) {
			this.discoverServices = discover;
			return this;
		}

		/**
		 * Creates the server (not started).
		 * @return the server
		 */
		public EmbeddedEsdbServer build() {
			return new EmbeddedEsdbServer(this);
		}

	}

}
