package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.event.CurrentEvent;
import io.github.esdb.event.EventEnvelopeFactory;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.subscription.BeyondLogPolicy;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.DefaultCatchUpErrorPolicy;
import io.github.esdb.subscription.DefaultPersistentErrorPolicy;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.GroupDriftPolicy;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionContainerFactory;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionObserver;

/**
 * Creates catch-up and persistent containers, each made of its parts: a subscriber for the kind's protocol, a
 * checkpoint committer (catch-up), an error handler, a handler invoker and one statistics object, run on a worker
 * from the task executor. Build one with {@link #builder()}; the containers and their settings are internal.
 */
public final class DefaultSubscriptionContainerFactory implements SubscriptionContainerFactory {

	/** Where catch-up subscriptions park events unless told otherwise: this prefix and the subscription id. */
	public static final String DEFAULT_PARKED_STREAM_PREFIX = "$esdb-parked-";

	private final ContainerServices services;

	private DefaultSubscriptionContainerFactory(ContainerServices services) {
		this.services = services;
	}

	/**
	 * Start building a factory.
	 * @return a builder with the defaults of {@code esdb.subscriptions.*}
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public SubscriptionContainer create(SubscriptionEndpoint endpoint) {
		if (endpoint.kind() == SubscriptionKind.PERSISTENT) {
			// Catch-up subscriptions check this as they are built; a persistent one asked to by a property fails too.
			TransactionalHandling.rejectPersistent(endpoint, this.services);
		}
		SubscriptionStatistics statistics = new SubscriptionStatistics();
		Subscriber subscriber = (endpoint.kind() == SubscriptionKind.PERSISTENT)
				? new PersistentSubscriber(endpoint, this.services, statistics)
				: new CatchUpSubscriber(endpoint, this.services, statistics);
		return new DefaultSubscriptionContainer(endpoint, this.services, subscriber, statistics);
	}

	/**
	 * The default worker executor: a new daemon thread per running subscription (a handler that never returns must
	 * not keep the JVM alive after the context closed), or a virtual thread when asked for.
	 * @param virtualThreads whether to use virtual threads
	 * @return the executor
	 */
	public static SimpleAsyncTaskExecutor defaultTaskExecutor(boolean virtualThreads) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("esdb-subscription-");
		executor.setDaemon(true);
		executor.setVirtualThreads(virtualThreads);
		return executor;
	}

	/**
	 * Builds a {@link DefaultSubscriptionContainerFactory}. The clients and the serializer are required; everything
	 * else has the defaults of {@code esdb.subscriptions.*}.
	 */
	public static final class Builder {

		private @Nullable KurrentDBClientProvider clients;

		private @Nullable EventSerializer serializer;

		private CurrentEvent currentEvent = new CurrentEvent();

		private final List<SubscriptionObserver> observers = new ArrayList<>();

		private CatchUpErrorPolicy catchUpErrorPolicy = defaultCatchUpErrorPolicy();

		private PersistentErrorPolicy persistentErrorPolicy = new DefaultPersistentErrorPolicy(
				NackException.Action.RETRY);

		private @Nullable Function<String, CheckpointStore> checkpointStores;

		private EventHandlerInterceptor interceptor = EventHandlerInterceptor.none();

		private @Nullable TaskExecutor taskExecutor;

		private int catchUpBatchSize = 512;

		private HandlerThread catchUpHandlerThread = HandlerThread.CLIENT;

		private HandlerThread persistentHandlerThread = HandlerThread.CLIENT;

		private int checkpointEveryEvents = 100;

		private Duration checkpointEvery = Duration.ofSeconds(5);

		private Duration checkpointMinInterval = Duration.ofSeconds(1);

		private String checkpointStreamPrefix = "$esdb-checkpoint-";

		private Duration subscribeTimeout = Duration.ofSeconds(10);

		private boolean autoCreateGroups = true;

		private int persistentBufferSize = 32;

		private ResubscribeBackOff resubscribe = new ResubscribeBackOff(Duration.ofMillis(500), Duration.ofSeconds(5),
				2.0, 0.2);

		private int concurrency = 1;

		private Map<String, Integer> concurrencyById = Map.of();

		private int maxInFlight = 256;

		private BatchDefaults batch = BatchDefaults.DEFAULTS;

		private @Nullable EventTypeRegistry eventTypes;

		private GroupDriftPolicy groupDrift = GroupDriftPolicy.WARN;

		private Map<String, CheckpointStore> checkpointStoresById = Map.of();

		private Function<@Nullable String, PlatformTransactionManager> transactionManagers = (name) -> {
			throw new IllegalStateException("no transaction manager is known to the subscription container factory; "
					+ "give it one with DefaultSubscriptionContainerFactory.Builder.transactionManagers");
		};

		private Map<String, Boolean> transactionalById = Map.of();

		private Map<String, String> transactionManagerById = Map.of();

		private BeyondLogPolicy beyondLog = BeyondLogPolicy.FAIL;

		private String parkedStreamPrefix = DEFAULT_PARKED_STREAM_PREFIX;
		private BiFunction<SubscriptionEndpoint, CheckpointStore, CheckpointStore> checkpointStoreDecorator = (
				endpoint, store) -> store;

		private Builder() {
		}

		private static CatchUpErrorPolicy defaultCatchUpErrorPolicy() {
			ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
			backOff.setMaxInterval(5000);
			backOff.setMaxAttempts(3);
			return new DefaultCatchUpErrorPolicy(backOff, CatchUpErrorPolicy.Outcome.STOP);
		}

		/**
		 * The clients to subscribe with.
		 * @param clients the clients
		 * @return this builder
		 */
		public Builder clients(KurrentDBClientProvider clients) {
			this.clients = clients;
			return this;
		}

		/**
		 * Reads payloads and metadata.
		 * @param serializer the serializer
		 * @return this builder
		 */
		public Builder serializer(EventSerializer serializer) {
			this.serializer = serializer;
			return this;
		}

		/**
		 * The holder set around each handler call, shared with the template.
		 * @param currentEvent the holder
		 * @return this builder
		 */
		public Builder currentEvent(CurrentEvent currentEvent) {
			this.currentEvent = currentEvent;
			return this;
		}

		/**
		 * Observers told of every step, in order; one failing observer never breaks a subscription.
		 * @param observers the observers
		 * @return this builder
		 */
		public Builder observers(List<? extends SubscriptionObserver> observers) {
			this.observers.addAll(observers);
			return this;
		}

		/**
		 * What catch-up subscriptions do when a handler throws.
		 * @param policy the policy
		 * @return this builder
		 */
		public Builder catchUpErrorPolicy(CatchUpErrorPolicy policy) {
			this.catchUpErrorPolicy = policy;
			return this;
		}

		/**
		 * How persistent subscriptions nack handler errors.
		 * @param policy the policy
		 * @return this builder
		 */
		public Builder persistentErrorPolicy(PersistentErrorPolicy policy) {
			this.persistentErrorPolicy = policy;
			return this;
		}

		/**
		 * The checkpoint store for a bean name ({@code null} for the default store).
		 * @param checkpointStores the lookup
		 * @return this builder
		 */
		public Builder checkpointStores(Function<@Nullable String, CheckpointStore> checkpointStores) {
			this.checkpointStores = checkpointStores;
			return this;
		}

		/**
		 * Wraps every handler invocation.
		 * @param interceptor the interceptor (see {@link EventHandlerInterceptor#chain})
		 * @return this builder
		 */
		public Builder interceptor(EventHandlerInterceptor interceptor) {
			this.interceptor = interceptor;
			return this;
		}

		/**
		 * Runs each subscription's worker, which holds its thread for as long as the subscription runs: an executor
		 * with fewer threads than subscriptions leaves some waiting.
		 * @param taskExecutor the executor
		 * @return this builder
		 */
		public Builder taskExecutor(TaskExecutor taskExecutor) {
			this.taskExecutor = taskExecutor;
			return this;
		}

		/**
		 * How many events a catch-up subscription requests at once; also how many may wait for its handler thread.
		 * @param batchSize the batch size
		 * @return this builder
		 */
		public Builder catchUpBatchSize(int batchSize) {
			this.catchUpBatchSize = batchSize;
			return this;
		}

		/**
		 * When catch-up checkpoints are committed.
		 * @param everyEvents after this many events
		 * @param every at least this often
		 * @return this builder
		 */
		public Builder checkpointEvery(int everyEvents, Duration every) {
			this.checkpointEveryEvents = everyEvents;
			this.checkpointEvery = every;
			return this;
		}

		/**
		 * Which thread calls the handler of a catch-up subscription that handles one event at a time.
		 * @param handlerThread the client's delivery thread (the default) or the subscription's worker
		 * @return this builder
		 */
		public Builder catchUpHandlerThread(HandlerThread handlerThread) {
			this.catchUpHandlerThread = handlerThread;
			return this;
		}

		/**
		 * Which thread calls the handler of a persistent subscription that handles one event at a time.
		 * @param handlerThread the client's delivery thread (the default) or the subscription's worker
		 * @return this builder
		 */
		public Builder persistentHandlerThread(HandlerThread handlerThread) {
			this.persistentHandlerThread = handlerThread;
			return this;
		}

		/**
		 * How often at most a catch-up checkpoint is committed because {@code everyEvents} events finished: a fast
		 * catch-up then writes a few checkpoints a second instead of one every few hundred microseconds.
		 * @param minInterval the interval, {@link Duration#ZERO} to commit after every {@code everyEvents} events
		 * @return this builder
		 */
		public Builder checkpointMinInterval(Duration minInterval) {
			this.checkpointMinInterval = minInterval;
			return this;
		}

		/**
		 * The prefix of the default store's checkpoint streams, which {@code $all} subscriptions skip.
		 * @param prefix the prefix
		 * @return this builder
		 */
		public Builder checkpointStreamPrefix(String prefix) {
			this.checkpointStreamPrefix = prefix;
			return this;
		}

		/**
		 * How long to wait for the server to confirm a subscription.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder subscribeTimeout(Duration timeout) {
			this.subscribeTimeout = timeout;
			return this;
		}

		/**
		 * Persistent groups: whether missing ones are created, and the default buffer size.
		 * @param autoCreate whether to create missing groups
		 * @param bufferSize how many unacknowledged events the server sends a consumer at once
		 * @return this builder
		 */
		public Builder persistentGroups(boolean autoCreate, int bufferSize) {
			this.autoCreateGroups = autoCreate;
			this.persistentBufferSize = bufferSize;
			return this;
		}

		/**
		 * The exponential back-off with jitter between resubscription attempts.
		 * @param initialInterval the first delay
		 * @param maxInterval the largest delay
		 * @param multiplier growth per attempt
		 * @param jitter random spread as a fraction of the delay
		 * @return this builder
		 */
		public Builder resubscribeBackOff(Duration initialInterval, Duration maxInterval, double multiplier,
				double jitter) {
			this.resubscribe = new ResubscribeBackOff(initialInterval, maxInterval, multiplier, jitter);
			return this;
		}

		/**
		 * How many events a subscription handles at once, partitioned by key, unless the subscription says
		 * otherwise.
		 * @param concurrency the default, at least 1
		 * @param concurrencyById the concurrency of named subscriptions, overriding what they say
		 * @param maxInFlight how many events may wait or run across one subscription's partitions
		 * @return this builder
		 */
		public Builder concurrency(int concurrency, Map<String, Integer> concurrencyById, int maxInFlight) {
			this.concurrency = concurrency;
			this.concurrencyById = Map.copyOf(concurrencyById);
			this.maxInFlight = maxInFlight;
			return this;
		}

		/**
		 * What a persistent subscription does when its existing group differs from the declared settings.
		 * @param policy warn (the default), update or fail
		 * @return this builder
		 */
		public Builder groupDrift(GroupDriftPolicy policy) {
			this.groupDrift = policy;
			return this;
		}

		/**
		 * The type names of payload classes, for partition keys that read the payload.
		 * @param eventTypes the registry
		 * @return this builder
		 */
		public Builder eventTypes(EventTypeRegistry eventTypes) {
			this.eventTypes = eventTypes;
			return this;
		}

		/**
		 * The checkpoint stores of named subscriptions, overriding what they say.
		 * @param checkpointStoresById the store by subscription id
		 * @return this builder
		 */
		public Builder checkpointStoresById(Map<String, CheckpointStore> checkpointStoresById) {
			this.checkpointStoresById = Map.copyOf(checkpointStoresById);
			return this;
		}

		/**
		 * The transaction managers of transactional subscriptions.
		 * @param transactionManagers the transaction manager for a bean name, or for {@code null} the only (or the
		 * primary) one; throws an exception whose message says why when there is none, which start-up reports
		 * @return this builder
		 */
		public Builder transactionManagers(Function<@Nullable String, PlatformTransactionManager> transactionManagers) {
			this.transactionManagers = transactionManagers;
			return this;
		}

		/**
		 * Which named subscriptions are transactional, and with which transaction manager, overriding what they say.
		 * @param transactionalById whether a subscription is transactional, by id
		 * @param transactionManagerById the transaction manager bean name of a subscription, by id
		 * @return this builder
		 */
		public Builder transactional(Map<String, Boolean> transactionalById,
				Map<String, String> transactionManagerById) {
			this.transactionalById = Map.copyOf(transactionalById);
			this.transactionManagerById = Map.copyOf(transactionManagerById);
			return this;
		}

		/**
		 * What a catch-up subscription does when its stored checkpoint is after the end of the log.
		 * @param beyondLog fail (the default) or reset
		 * @return this builder
		 */
		public Builder beyondLog(BeyondLogPolicy beyondLog) {
			this.beyondLog = beyondLog;
			return this;
		}

		/**
		 * Set where catch-up subscriptions park events: a stream per subscription id.
		 * @param prefix the prefix before the id (default {@code $esdb-parked-}); keep the {@code $} so that they
		 * are system streams, which unfiltered {@code $all} subscriptions pass over
		 * @return this builder
		 */
		public Builder parkedStreamPrefix(String prefix) {
			this.parkedStreamPrefix = prefix;
			return this;
		}

		/**
		 * Wraps the checkpoint store of each catch-up container as it is created, such as
		 * {@code SubscriptionCoordination::fence} for subscriptions coordinated across instances.
		 * @param decorator the store to use, given the subscription and its store
		 * @return this builder
		 */
		public Builder checkpointStoreDecorator(
				BiFunction<SubscriptionEndpoint, CheckpointStore, CheckpointStore> decorator) {
			this.checkpointStoreDecorator = decorator;
			return this;
		}

		/**
		 * The batches of batch handlers: at most {@code size} events, or what arrived within {@code maxWait} of the
		 * first one.
		 * @param size the most events in one batch unless a subscription says otherwise
		 * @param maxWait how long a batch's first event waits for more unless a subscription says otherwise
		 * @param sizeById the batch size of named subscriptions, overriding what they declare
		 * @param maxWaitById the max wait of named subscriptions, overriding what they declare
		 * @return this builder
		 */
		public Builder batch(int size, Duration maxWait, Map<String, Integer> sizeById,
				Map<String, Duration> maxWaitById) {
			this.batch = new BatchDefaults(size, maxWait, Map.copyOf(sizeById), Map.copyOf(maxWaitById));
			return this;
		}

		/**
		 * Build the factory.
		 * @return the factory
		 */
		public DefaultSubscriptionContainerFactory build() {
			Objects.requireNonNull(this.clients, "clients are required");
			Objects.requireNonNull(this.serializer, "a serializer is required");
			Objects.requireNonNull(this.checkpointStores, "checkpoint stores are required");
			ContainerSettings settings = new ContainerSettings(this.catchUpBatchSize, this.checkpointEveryEvents,
					this.checkpointEvery, this.checkpointMinInterval, this.checkpointStreamPrefix, this.subscribeTimeout,
					this.autoCreateGroups, this.persistentBufferSize, this.resubscribe, this.concurrency,
					this.concurrencyById, this.maxInFlight, this.groupDrift, this.transactionalById, this.transactionManagerById,
					this.beyondLog, this.parkedStreamPrefix, this.batch, this.catchUpHandlerThread,
					this.persistentHandlerThread);
			EventSerializer payloadSerializer = this.serializer;
			EventTypeRegistry types = (this.eventTypes != null) ? this.eventTypes : new EventTypeRegistry();
			TaskExecutor executor = (this.taskExecutor != null) ? this.taskExecutor : defaultTaskExecutor(false);
			return new DefaultSubscriptionContainerFactory(new ContainerServices(this.clients,
					new EventContextFactory(new EventEnvelopeFactory(this.serializer)), this.currentEvent,
					new CompositeSubscriptionObserver(this.observers), this.catchUpErrorPolicy,
					this.persistentErrorPolicy, this.checkpointStores, settings, this.interceptor, executor,
					(event, context) -> types.classOf(context.eventType())
						.map((type) -> payloadSerializer.deserialize(context.eventType(),
								event.getEvent().getEventData(), type))
						.orElse(null),
					this.checkpointStoresById, this.transactionManagers, this.checkpointStoreDecorator));
		}

	}

}
