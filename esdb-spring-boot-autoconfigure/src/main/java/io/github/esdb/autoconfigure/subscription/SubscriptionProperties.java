package io.github.esdb.autoconfigure.subscription;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.github.esdb.subscription.BeyondLogPolicy;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.GroupDriftPolicy;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.NackException;

/**
 * How subscriptions run, bound from {@code esdb.subscriptions.*}.
 */
@ConfigurationProperties("esdb.subscriptions")
public class SubscriptionProperties {

	/**
	 * Whether @EventSubscription beans are subscribed at all. Set false to run an application (or a test) without
	 * its subscriptions.
	 */
	private boolean enabled = true;

	/**
	 * How long a graceful stop waits for in-flight handlers before cancelling them (applies to the whole application
	 * shutdown and to SubscriptionRegistry.stop(id)).
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(10);

	/**
	 * How long to wait for the server to confirm a (re)subscription before counting the attempt as failed.
	 */
	private Duration subscribeTimeout = Duration.ofSeconds(10);

	/**
	 * How many events a subscription handles at once, unless its @EventSubscription(concurrency) or by-id.<id>.
	 * concurrency says otherwise. Events are partitioned by key (by default their stream): one key's events are
	 * handled in order, different keys in parallel.
	 */
	private int concurrency = 1;

	/**
	 * How many events may wait or run across the partitions of one concurrent subscription; the subscription reads
	 * no further while that many are out.
	 */
	private int maxInFlight = 256;

	/**
	 * Settings of single subscriptions, by subscription id; they override the annotation.
	 */
	private final Map<String, ById> byId = new LinkedHashMap<>();

	/**
	 * What to do with an event whose handler throws an exception of a class (or a subclass, or with it as a
	 * cause), for all subscriptions: "park", "skip", "retry" or "stop". Write the class name in brackets, for
	 * example esdb.subscriptions.exception-actions[com.example.PoisonEventException]=park. A catch-up subscription
	 * applies the action at once ("retry" retries with catch-up.retry as usual); a persistent one nacks with it
	 * ("retry" waits persistent.retry first). by-id.<id>.exception-actions take precedence.
	 */
	private final Map<String, String> exceptionActions = new LinkedHashMap<>();

	private final Parking parking = new Parking();

	private final CatchUp catchUp = new CatchUp();

	private final Checkpoint checkpoint = new Checkpoint();

	private final Persistent persistent = new Persistent();

	private final Resubscribe resubscribe = new Resubscribe();

	private final Coordination coordination = new Coordination();

	private final Batch batch = new Batch();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getSubscribeTimeout() {
		return this.subscribeTimeout;
	}

	public void setSubscribeTimeout(Duration subscribeTimeout) {
		this.subscribeTimeout = subscribeTimeout;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public int getMaxInFlight() {
		return this.maxInFlight;
	}

	public void setMaxInFlight(int maxInFlight) {
		this.maxInFlight = maxInFlight;
	}

	public Map<String, ById> getById() {
		return this.byId;
	}

	public CatchUp getCatchUp() {
		return this.catchUp;
	}

	public Map<String, String> getExceptionActions() {
		return this.exceptionActions;
	}

	public Parking getParking() {
		return this.parking;
	}

	/**
	 * Where catch-up subscriptions park events (NackException.park, an exception mapped to "park", or
	 * catch-up.on-error=park).
	 */
	public static class Parking {

		/**
		 * Prefix of the dead-letter streams, one per subscription id (the stream is the prefix and the id). Keep
		 * the "$" so that they are system streams, which $all subscriptions pass over.
		 */
		private String streamPrefix = "$esdb-parked-";

		public String getStreamPrefix() {
			return this.streamPrefix;
		}

		public void setStreamPrefix(String streamPrefix) {
			this.streamPrefix = streamPrefix;
		}

	}

	public Batch getBatch() {
		return this.batch;
	}

	/**
	 * Batch handlers: handler methods that take a List of events, handed over in batches.
	 */
	public static class Batch {

		/**
		 * The most events handed to a batch handler in one call (one transaction, one checkpoint, one ack), unless
		 * its @EventSubscription(batchSize) or by-id.<id>.batch-size says otherwise.
		 */
		private int size = 100;

		/**
		 * How long the first event of a batch waits for more before the batch is handed over, unless its
		 * @EventSubscription(batchMaxWait) or by-id.<id>.batch-max-wait says otherwise. Bounds the delay a batch
		 * handler adds when events trickle in.
		 */
		private Duration maxWait = Duration.ofMillis(100);

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * Settings of one subscription.
	 */
	public static class ById {

		/**
		 * How many events this subscription handles at once; overrides @EventSubscription(concurrency).
		 */
		private Integer concurrency;

		/**
		 * Whether each handler call of this catch-up subscription runs in a transaction that also writes the event's
		 * checkpoint (exactly once for the work in that database); overrides @EventSubscription(transactional).
		 * Needs the JDBC checkpoint store on the transaction manager's DataSource (with a concurrency above 1, each
		 * partition commits its own position).
		 */
		private Boolean transactional;

		/**
		 * The bean name of this subscription's transaction manager when it is transactional; overrides
		 * @EventSubscription(transactionManager). Without it, the only (or the primary) PlatformTransactionManager.
		 */
		private String transactionManager;

		/**
		 * Where this catch-up subscription keeps its checkpoint, overriding the default store and
		 * @EventSubscription(checkpointStore): "kurrentdb", "memory" or "jdbc".
		 */
		private StoreType checkpointStore;

		/**
		 * What to do with an event of this subscription whose handler throws an exception of a class: "park",
		 * "skip", "retry" or "stop", as esdb.subscriptions.exception-actions, which it takes precedence over; for
		 * example esdb.subscriptions.by-id.orders.exception-actions[java.lang.IllegalArgumentException]=skip.
		 */
		private final Map<String, String> exceptionActions = new LinkedHashMap<>();

		public Map<String, String> getExceptionActions() {
			return this.exceptionActions;
		}

		/**
		 * How this subscription is coordinated across application instances, overriding
		 * esdb.subscriptions.coordination.mode.
		 */
		private final ByIdCoordination coordination = new ByIdCoordination();

		public ByIdCoordination getCoordination() {
			return this.coordination;
		}

		/**
		 * The most events in one call of this subscription's batch handler; overrides @EventSubscription(batchSize).
		 */
		private Integer batchSize;

		/**
		 * How long the first event of a batch of this subscription waits for more; overrides
		 * @EventSubscription(batchMaxWait).
		 */
		private Duration batchMaxWait;

		public Integer getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(Integer batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getBatchMaxWait() {
			return this.batchMaxWait;
		}

		public void setBatchMaxWait(Duration batchMaxWait) {
			this.batchMaxWait = batchMaxWait;
		}

		public Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(Integer concurrency) {
			this.concurrency = concurrency;
		}

		public Boolean getTransactional() {
			return this.transactional;
		}

		public void setTransactional(Boolean transactional) {
			this.transactional = transactional;
		}

		public String getTransactionManager() {
			return this.transactionManager;
		}

		public void setTransactionManager(String transactionManager) {
			this.transactionManager = transactionManager;
		}

		public StoreType getCheckpointStore() {
			return this.checkpointStore;
		}

		public void setCheckpointStore(StoreType checkpointStore) {
			this.checkpointStore = checkpointStore;
		}

	}

	public Checkpoint getCheckpoint() {
		return this.checkpoint;
	}

	public Persistent getPersistent() {
		return this.persistent;
	}

	public Resubscribe getResubscribe() {
		return this.resubscribe;
	}

	public Coordination getCoordination() {
		return this.coordination;
	}

	/**
	 * Where the leases of coordinated catch-up subscriptions are kept.
	 */
	public enum CoordinationMode {

		/** Every instance runs every catch-up subscription (one instance, or work that may be done once per instance). */
		NONE,
		/** Leases are events in a stream per subscription ({@code $esdb-lease-<id>}). */
		KURRENTDB,
		/** Leases are rows of {@code esdb_subscription_lease} in the checkpoint database (the JDBC store's DataSource). */
		JDBC

	}

	/**
	 * One active instance per catch-up subscription across the application's replicas.
	 */
	public static class Coordination {

		/**
		 * Where the leases are kept: "none" (every instance runs every catch-up subscription), "kurrentdb" or "jdbc".
		 * Switch it on when the application runs as several replicas and a subscription must not handle each event
		 * once per replica (a process manager that sends mail, a read model in a shared database).
		 */
		private CoordinationMode mode = CoordinationMode.NONE;

		/**
		 * How long a lease lasts unless its owner renews it: the longest a subscription stays unhandled after its
		 * owner died. At least three renew intervals.
		 */
		private Duration leaseTtl = Duration.ofSeconds(15);

		/**
		 * How often the owner renews its leases and a standing-by instance tries to acquire them.
		 */
		private Duration renewInterval = Duration.ofSeconds(5);

		/**
		 * This instance's id, stored in the leases it holds and shown by the snapshot, the endpoint and health. By
		 * default spring.application.name, host and pid ("orders@host-1:4242").
		 */
		private String instanceId;

		/**
		 * The prefix of the lease streams of the "kurrentdb" mode.
		 */
		private String streamPrefix = "$esdb-lease-";

		public CoordinationMode getMode() {
			return this.mode;
		}

		public void setMode(CoordinationMode mode) {
			this.mode = mode;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public Duration getRenewInterval() {
			return this.renewInterval;
		}

		public void setRenewInterval(Duration renewInterval) {
			this.renewInterval = renewInterval;
		}

		public String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(String instanceId) {
			this.instanceId = instanceId;
		}

		public String getStreamPrefix() {
			return this.streamPrefix;
		}

		public void setStreamPrefix(String streamPrefix) {
			this.streamPrefix = streamPrefix;
		}

	}

	/**
	 * The coordination of one subscription.
	 */
	public static class ByIdCoordination {

		/**
		 * Where this catch-up subscription's lease is kept, overriding esdb.subscriptions.coordination.mode: "none",
		 * "kurrentdb" or "jdbc".
		 */
		private CoordinationMode mode;

		public CoordinationMode getMode() {
			return this.mode;
		}

		public void setMode(CoordinationMode mode) {
			this.mode = mode;
		}

	}

	/**
	 * Catch-up subscriptions.
	 */
	public static class CatchUp {

		/**
		 * How many events the client requests from the server at once, and (with handler-thread=worker, and for
		 * partitions and batch handlers) how many may wait for the handler thread, which takes them in batches: at
		 * most about three times this many events are held in memory per subscription, however slow the handler.
		 */
		private int batchSize = 512;

		/**
		 * Which thread calls the handler of a catch-up subscription that handles one event at a time: "client" (the
		 * thread the client delivers the event on, as a raw listener: no hand-over between threads per event, and
		 * the client asks the server for more only once the handler returned) or "worker" (the subscription's own
		 * thread, named esdb-subscription-<id>, behind a queue of batch-size events). Partitions, batch handlers and
		 * segments always use worker threads.
		 */
		private HandlerThread handlerThread = HandlerThread.CLIENT;

		/**
		 * What a catch-up subscription does when a handler still fails after its retries: "stop" (the subscription
		 * goes FAILED and the position stays before the event), "skip" (logged, counted, moved past) or "park"
		 * (appended to the subscription's dead-letter stream, see parking.stream-prefix, then moved past;
		 * SubscriptionRegistry.replayParked hands it to the handler again).
		 */
		private CatchUpErrorPolicy.Outcome onError = CatchUpErrorPolicy.Outcome.STOP;

		private final Retry retry = new Retry(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5));

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public HandlerThread getHandlerThread() {
			return this.handlerThread;
		}

		public void setHandlerThread(HandlerThread handlerThread) {
			this.handlerThread = handlerThread;
		}

		public CatchUpErrorPolicy.Outcome getOnError() {
			return this.onError;
		}

		public void setOnError(CatchUpErrorPolicy.Outcome onError) {
			this.onError = onError;
		}

		public Retry getRetry() {
			return this.retry;
		}

	}

	/**
	 * Retries of a failing event with exponential back-off: in place for a catch-up subscription, as waits before
	 * each retry nack for a persistent one.
	 */
	public static class Retry {

		/**
		 * How many times a failing event is retried: then a catch-up subscription applies its on-error outcome and
		 * a persistent one parks the event (0 for no retry). A persistent group's own max retry count parks it too,
		 * whichever comes first.
		 */
		private int maxAttempts;

		/**
		 * The delay before the first retry.
		 */
		private Duration initialInterval;

		/**
		 * Factor by which the delay grows per retry.
		 */
		private double multiplier;

		/**
		 * The largest delay between retries.
		 */
		private Duration maxInterval;

		/**
		 * Create the settings with their defaults.
		 * @param maxAttempts how many retries
		 * @param initialInterval the first delay
		 * @param multiplier the growth per retry
		 * @param maxInterval the largest delay
		 */
		public Retry(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval) {
			this.maxAttempts = maxAttempts;
			this.initialInterval = initialInterval;
			this.multiplier = multiplier;
			this.maxInterval = maxInterval;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * Catch-up checkpoints.
	 */
	public static class Checkpoint {

		/**
		 * Commit the checkpoint after this many events (handled or skipped). Events since the last commit are
		 * delivered again after a crash.
		 */
		private int everyEvents = 100;

		/**
		 * Commit the checkpoint at least this often when it moved.
		 */
		private Duration every = Duration.ofSeconds(5);

		/**
		 * Commit the checkpoint for every-events no more often than this, so that a fast catch-up writes a few
		 * checkpoints a second rather than one every few hundred microseconds. After a crash, the events since the
		 * last checkpoint are delivered again: at most every-events, or those handled within this interval, whichever
		 * is more. 0 commits after every every-events events.
		 */
		private Duration minInterval = Duration.ofSeconds(1);

		/**
		 * Where the default checkpoint store keeps checkpoints: "kurrentdb" (durable, in the database itself),
		 * "memory" (lost on restart) or "jdbc" (a table of the application's DataSource, see checkpoint.jdbc.*;
		 * needed by transactional subscriptions).
		 */
		private StoreType store = StoreType.KURRENTDB;

		/**
		 * What a catch-up subscription does when its stored checkpoint lies after the end of the log it reads (the
		 * database lost events it had handled, e.g. an in-memory server started empty while the checkpoints were
		 * kept): "fail" (the subscription goes FAILED with a message naming it and both positions) or "reset"
		 * (forget the checkpoint and start from the subscription's 'from' position).
		 */
		private BeyondLogPolicy beyondLog = BeyondLogPolicy.FAIL;

		private final Jdbc jdbc = new Jdbc();

		/**
		 * Prefix of the checkpoint streams of the KurrentDB store; one stream per subscription id. Keep the "$" so
		 * that they are system streams.
		 */
		private String streamPrefix = "$esdb-checkpoint-";

		/**
		 * How many checkpoint events each checkpoint stream keeps ($maxCount).
		 */
		private long maxCount = 5;

		public int getEveryEvents() {
			return this.everyEvents;
		}

		public void setEveryEvents(int everyEvents) {
			this.everyEvents = everyEvents;
		}

		public Duration getEvery() {
			return this.every;
		}

		public void setEvery(Duration every) {
			this.every = every;
		}

		public Duration getMinInterval() {
			return this.minInterval;
		}

		public void setMinInterval(Duration minInterval) {
			this.minInterval = minInterval;
		}

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public BeyondLogPolicy getBeyondLog() {
			return this.beyondLog;
		}

		public void setBeyondLog(BeyondLogPolicy beyondLog) {
			this.beyondLog = beyondLog;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		public String getStreamPrefix() {
			return this.streamPrefix;
		}

		public void setStreamPrefix(String streamPrefix) {
			this.streamPrefix = streamPrefix;
		}

		public long getMaxCount() {
			return this.maxCount;
		}

		public void setMaxCount(long maxCount) {
			this.maxCount = maxCount;
		}

	}

	/**
	 * The JDBC checkpoint store (checkpoint.store=jdbc or by-id.<id>.checkpoint-store=jdbc), on the application's
	 * DataSource.
	 */
	public static class Jdbc {

		/**
		 * The checkpoint table, optionally schema-qualified. The schema scripts create it under this name.
		 */
		private String tableName = "esdb_checkpoint";

		/**
		 * When to create the checkpoint table at start-up: "embedded" (only on an embedded database such as H2),
		 * "always" (the scripts use CREATE TABLE IF NOT EXISTS) or "never" (create it yourself from the scripts in
		 * the jar).
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

		/**
		 * Location of the schema script; @@platform@@ is replaced by the database platform.
		 */
		private String schema = "classpath:io/github/esdb/subscription/checkpoint/schema-@@platform@@.sql";

		/**
		 * The platform in the schema location (postgresql, h2, mysql, mariadb); detected from the DataSource when not
		 * set.
		 */
		private String platform;

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getSchema() {
			return this.schema;
		}

		public void setSchema(String schema) {
			this.schema = schema;
		}

		public String getPlatform() {
			return this.platform;
		}

		public void setPlatform(String platform) {
			this.platform = platform;
		}

	}

	/**
	 * When the checkpoint table is created, as Spring Boot's DatabaseInitializationMode.
	 */
	public enum SchemaInitialization {

		/** Only on an embedded database. */
		EMBEDDED,
		/** On any database. */
		ALWAYS,
		/** Never. */
		NEVER

	}

	/**
	 * The built-in checkpoint stores.
	 */
	public enum StoreType {

		/** In KurrentDB streams. */
		KURRENTDB,
		/** In memory. */
		MEMORY,
		/** In a table of the application's DataSource. */
		JDBC

	}

	/**
	 * Persistent subscriptions.
	 */
	public static class Persistent {

		/**
		 * Whether a missing persistent subscription group is created (with the annotation's settings) at start-up and
		 * when it disappears. A group created by another instance at the same moment is fine.
		 */
		private boolean autoCreate = true;

		/**
		 * The nack action for handler exceptions other than NackException: "retry" (the server delivers it again
		 * and parks it after the group's max retry count), "park", "skip" or "stop".
		 */
		private NackException.Action defaultNackAction = NackException.Action.RETRY;

		/**
		 * How many unacknowledged events the server sends each consumer at once, unless the annotation says
		 * otherwise. More keeps a consumer busy while its acks travel (the official client's default of 10 caps it
		 * near 10 events per round trip); fewer suits slow handlers: the group's message timeout starts when the
		 * server sends an event, so the last of a full buffer must start within it (a warning says when it may not).
		 */
		private int bufferSize = 32;

		/**
		 * Which thread calls the handler of a persistent subscription that handles one event at a time: "client"
		 * (the thread the client delivers the event on, as a raw listener: no hand-over between threads per event)
		 * or "worker" (the subscription's own thread, named esdb-subscription-<id>, behind a queue of buffer-size
		 * events). Partitions and batch handlers always use worker threads. Either way, acks go out in batches.
		 */
		private HandlerThread handlerThread = HandlerThread.CLIENT;

		/**
		 * What to do when a group already exists with settings other than the declared ones: warn (log each
		 * differing setting), update (apply the declaration; the group keeps its position) or fail (the
		 * subscription fails with the differences).
		 */
		private GroupDriftPolicy onDrift = GroupDriftPolicy.WARN;

		/**
		 * Waits before each retry nack, so that a short outage downstream does not use up the retries at once:
		 * the n-th redelivery of an event waits the n-th interval, and after max-attempts retries the event is
		 * parked in the group's parked stream.
		 */
		private final Retry retry = new Retry(5, Duration.ofMillis(500), 2.0, Duration.ofSeconds(10));

		public Retry getRetry() {
			return this.retry;
		}

		public HandlerThread getHandlerThread() {
			return this.handlerThread;
		}

		public void setHandlerThread(HandlerThread handlerThread) {
			this.handlerThread = handlerThread;
		}

		public GroupDriftPolicy getOnDrift() {
			return this.onDrift;
		}

		public void setOnDrift(GroupDriftPolicy onDrift) {
			this.onDrift = onDrift;
		}

		public boolean isAutoCreate() {
			return this.autoCreate;
		}

		public void setAutoCreate(boolean autoCreate) {
			this.autoCreate = autoCreate;
		}

		public NackException.Action getDefaultNackAction() {
			return this.defaultNackAction;
		}

		public void setDefaultNackAction(NackException.Action defaultNackAction) {
			this.defaultNackAction = defaultNackAction;
		}

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

	}

	/**
	 * Resubscription after a subscription dropped (exponential back-off with jitter, for as long as the subscription
	 * should run).
	 */
	public static class Resubscribe {

		/**
		 * The delay before the first attempt.
		 */
		private Duration initialInterval = Duration.ofMillis(500);

		/**
		 * The largest delay between attempts, and so about how long a subscription may take to notice that the
		 * database is back after an outage.
		 */
		private Duration maxInterval = Duration.ofSeconds(5);

		/**
		 * Factor by which the delay grows per failed attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Random spread of each delay as a fraction of it (0.2 = plus or minus 20%), so that many instances do not
		 * reconnect in lockstep.
		 */
		private double jitter = 0.2;

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

}
