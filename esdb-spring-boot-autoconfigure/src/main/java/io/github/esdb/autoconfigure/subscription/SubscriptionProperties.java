package io.github.esdb.autoconfigure.subscription;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.github.esdb.subscription.CatchUpErrorPolicy;
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

	private final CatchUp catchUp = new CatchUp();

	private final Checkpoint checkpoint = new Checkpoint();

	private final Persistent persistent = new Persistent();

	private final Resubscribe resubscribe = new Resubscribe();

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

	public CatchUp getCatchUp() {
		return this.catchUp;
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

	/**
	 * Catch-up subscriptions.
	 */
	public static class CatchUp {

		/**
		 * How many events the client requests from the server at once, and the size of the queue to the handler
		 * thread: at most about twice this many events are held in memory per subscription.
		 */
		private int batchSize = 128;

		/**
		 * What a catch-up subscription does when a handler still fails after its retries: "stop" (the subscription
		 * goes FAILED and the position stays before the event) or "skip" (logged, counted, moved past).
		 */
		private CatchUpErrorPolicy.Outcome onError = CatchUpErrorPolicy.Outcome.STOP;

		private final Retry retry = new Retry();

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
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
	 * In-place retries of a failing catch-up event (exponential back-off).
	 */
	public static class Retry {

		/**
		 * How many times a failing event is retried before the on-error outcome applies (0 for no retry).
		 */
		private int maxAttempts = 3;

		/**
		 * The delay before the first retry.
		 */
		private Duration initialInterval = Duration.ofMillis(200);

		/**
		 * Factor by which the delay grows per retry.
		 */
		private double multiplier = 2.0;

		/**
		 * The largest delay between retries.
		 */
		private Duration maxInterval = Duration.ofSeconds(5);

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
		 * Where the default checkpoint store keeps checkpoints: "kurrentdb" (durable, in the database itself) or
		 * "memory" (lost on restart).
		 */
		private StoreType store = StoreType.KURRENTDB;

		/**
		 * The checkpoint store of single catch-up subscriptions, by subscription id, overriding "store" for them:
		 * "memory" or "kurrentdb". Give a read model that lives in memory in-memory checkpoints, so that it is
		 * rebuilt from the start at every launch instead of resuming after a durable checkpoint with an empty model,
		 * for example esdb.subscriptions.checkpoint.stores.account-balances=memory. Put ids with dots in brackets:
		 * esdb.subscriptions.checkpoint.stores[orders.on]=memory. A checkpointStore named on @EventSubscription
		 * takes precedence.
		 */
		private Map<String, StoreType> stores = new LinkedHashMap<>();

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

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public Map<String, StoreType> getStores() {
			return this.stores;
		}

		public void setStores(Map<String, StoreType> stores) {
			this.stores = stores;
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
	 * The default checkpoint stores.
	 */
	public enum StoreType {

		/** In KurrentDB streams. */
		KURRENTDB,
		/** In memory. */
		MEMORY

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
		 * otherwise.
		 */
		private int bufferSize = 10;

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
