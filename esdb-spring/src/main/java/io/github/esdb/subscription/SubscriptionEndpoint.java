package io.github.esdb.subscription;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What to subscribe to and how to hand events over: built from an {@link EventSubscription @EventSubscription}
 * annotation, or with {@link #toStream}, {@link #toAll} or {@link #persistent} for programmatic registration.
 *
 * @param id the unique subscription id
 * @param stream the stream, or {@code $all}
 * @param group the persistent subscription group, {@code null} for catch-up
 * @param from where to start without a checkpoint (catch-up) or where a created group starts (persistent);
 * {@code null} for the default
 * @param filter the server-side filter for {@code $all}, {@code null} for none (one may be derived from the
 * handlers' event types)
 * @param resolveLinks whether link events are resolved
 * @param autoStartup whether the registry starts it with the application
 * @param checkpointStore bean name of the checkpoint store, {@code null} for the default
 * @param persistentSettings settings of a persistent subscription
 * @param dispatcher hands events to the handler(s)
 * @param source what declared the subscription, for messages (e.g. bean and method)
 * @param concurrency how many events are handled at once, partitioned by key; 0 for the configured default
 * @param partitionKey the key of each event for concurrent handling, {@code null} for the event's stream
 * @param transactional whether each handler call runs in a transaction that also writes the event's checkpoint
 * (catch-up only; needs a {@link TransactionalCheckpointStore} that joins the transaction manager's transactions)
 * @param transactionManager bean name of the transaction manager of a transactional subscription, {@code null} for
 * the only (or primary) one
 * @param segment the segment of a coordinated subscription this endpoint runs, {@code null} for the whole
 * subscription; see {@link #segment(int, int)}
 */
public record SubscriptionEndpoint(String id, String stream, @Nullable String group, @Nullable StartPosition from,
		@Nullable EventFilterSpec filter, boolean resolveLinks, boolean autoStartup, @Nullable String checkpointStore,
		PersistentSettings persistentSettings, EventDispatcher dispatcher, String source, int concurrency,
		@Nullable PartitionKeyResolver partitionKey, boolean transactional, @Nullable String transactionManager,
		@Nullable Segment segment) {

	/** The name of the stream of all events. */
	public static final String ALL = "$all";

	public SubscriptionEndpoint {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(dispatcher, "dispatcher");
		if (id.isBlank()) {
			throw new IllegalArgumentException("A subscription id must not be blank");
		}
		if (persistentSettings == null) {
			persistentSettings = PersistentSettings.DEFAULTS;
		}
		if (source == null) {
			source = "subscription '" + id + "'";
		}
		if (concurrency < 0) {
			throw new IllegalArgumentException(source + ": concurrency must be at least 1, but is " + concurrency);
		}
		if (filter != null && !ALL.equals(stream)) {
			throw new IllegalArgumentException(source + ": filters apply to $all only, but the stream is '" + stream
					+ "'; remove the filter or subscribe to $all");
		}
		if (transactional && group != null) {
			throw new IllegalArgumentException(source + ": transactional applies to catch-up subscriptions, whose "
					+ "checkpoint can commit with the handler's work; the position of a persistent subscription (group '"
					+ group + "') is kept by the server. Remove transactional, or the group");
		}
	}

	/**
	 * An endpoint of a whole subscription (not one segment of it).
	 * @param id the unique subscription id
	 * @param stream the stream, or {@code $all}
	 * @param group the persistent subscription group, {@code null} for catch-up
	 * @param from where to start, {@code null} for the default
	 * @param filter the server-side filter for {@code $all}, {@code null} for none
	 * @param resolveLinks whether link events are resolved
	 * @param autoStartup whether the registry starts it with the application
	 * @param checkpointStore bean name of the checkpoint store, {@code null} for the default
	 * @param persistentSettings settings of a persistent subscription
	 * @param dispatcher hands events to the handler(s)
	 * @param source what declared the subscription, for messages
	 * @param concurrency how many events are handled at once; 0 for the configured default
	 * @param partitionKey the key of each event for concurrent handling, {@code null} for the event's stream
	 * @param transactional whether each handler call runs in a transaction that also writes the event's checkpoint
	 * @param transactionManager bean name of the transaction manager, {@code null} for the only (or primary) one
	 */
	public SubscriptionEndpoint(String id, String stream, @Nullable String group, @Nullable StartPosition from,
			@Nullable EventFilterSpec filter, boolean resolveLinks, boolean autoStartup,
			@Nullable String checkpointStore, PersistentSettings persistentSettings, EventDispatcher dispatcher,
			String source, int concurrency, @Nullable PartitionKeyResolver partitionKey, boolean transactional,
			@Nullable String transactionManager) {
		this(id, stream, group, from, filter, resolveLinks, autoStartup, checkpointStore, persistentSettings,
				dispatcher, source, concurrency, partitionKey, transactional, transactionManager, null);
	}

	/**
	 * An endpoint that is not transactional.
	 * @param id the unique subscription id
	 * @param stream the stream, or {@code $all}
	 * @param group the persistent subscription group, {@code null} for catch-up
	 * @param from where to start, {@code null} for the default
	 * @param filter the server-side filter for {@code $all}, {@code null} for none
	 * @param resolveLinks whether link events are resolved
	 * @param autoStartup whether the registry starts it with the application
	 * @param checkpointStore bean name of the checkpoint store, {@code null} for the default
	 * @param persistentSettings settings of a persistent subscription
	 * @param dispatcher hands events to the handler(s)
	 * @param source what declared the subscription, for messages
	 * @param concurrency how many events are handled at once; 0 for the configured default
	 * @param partitionKey the key of each event for concurrent handling, {@code null} for the event's stream
	 */
	public SubscriptionEndpoint(String id, String stream, @Nullable String group, @Nullable StartPosition from,
			@Nullable EventFilterSpec filter, boolean resolveLinks, boolean autoStartup,
			@Nullable String checkpointStore, PersistentSettings persistentSettings, EventDispatcher dispatcher,
			String source, int concurrency, @Nullable PartitionKeyResolver partitionKey) {
		this(id, stream, group, from, filter, resolveLinks, autoStartup, checkpointStore, persistentSettings,
				dispatcher, source, concurrency, partitionKey, false, null, null);
	}

	/**
	 * The id under which this endpoint's checkpoint, lease and parked events are kept: the subscription id, or for a
	 * segment {@code <id>/segment-<i>-of-<n>}. Settings, metrics and handlers see {@link #id()} either way.
	 * @return the id of the position this endpoint keeps
	 */
	public String checkpointId() {
		return (this.segment != null) ? this.segment.idOf(this.id) : this.id;
	}

	/**
	 * This subscription's segment {@code index} of {@code count}: the same subscription, handling only the events of
	 * partition {@code index} one at a time, with its own checkpoint, lease and parked stream.
	 * @param index the segment, from 0 to {@code count - 1}
	 * @param count how many segments there are
	 * @return the segment's endpoint
	 */
	public SubscriptionEndpoint segment(int index, int count) {
		return new SubscriptionEndpoint(this.id, this.stream, this.group, this.from, this.filter, this.resolveLinks,
				this.autoStartup, this.checkpointStore, this.persistentSettings, this.dispatcher,
				this.source + " (segment " + index + " of " + count + ")", 1, this.partitionKey, this.transactional,
				this.transactionManager, new Segment(index, count));
	}

	/**
	 * The kind of subscription.
	 * @return persistent when there is a group
	 */
	public SubscriptionKind kind() {
		return (this.group != null) ? SubscriptionKind.PERSISTENT : SubscriptionKind.CATCH_UP;
	}

	/**
	 * Whether the subscription reads {@code $all}.
	 * @return true for {@code $all}
	 */
	public boolean isAll() {
		return ALL.equals(this.stream);
	}

	/**
	 * Start building a catch-up subscription to a stream.
	 * @param id the subscription id
	 * @param stream the stream
	 * @return a builder
	 */
	public static Builder toStream(String id, String stream) {
		return new Builder(id, stream, null);
	}

	/**
	 * Start building a catch-up subscription to {@code $all}.
	 * @param id the subscription id
	 * @return a builder
	 */
	public static Builder toAll(String id) {
		return new Builder(id, ALL, null);
	}

	/**
	 * Start building a persistent subscription.
	 * @param id the subscription id
	 * @param stream the stream, or {@code $all}
	 * @param group the group
	 * @return a builder
	 */
	public static Builder persistent(String id, String stream, String group) {
		return new Builder(id, stream, Objects.requireNonNull(group, "group"));
	}

	/**
	 * Builds a {@link SubscriptionEndpoint}.
	 */
	public static final class Builder {

		private final String id;

		private final String stream;

		private final String group;

		private StartPosition from;

		private EventFilterSpec filter;

		private boolean resolveLinks;

		private boolean autoStartup = true;

		private String checkpointStore;

		private PersistentSettings persistentSettings = PersistentSettings.DEFAULTS;

		private EventDispatcher dispatcher;

		private String source;

		private int concurrency;

		private PartitionKeyResolver partitionKey;

		private boolean transactional;

		private String transactionManager;

		private Builder(String id, String stream, String group) {
			this.id = id;
			this.stream = stream;
			this.group = group;
		}

		/**
		 * Where to start.
		 * @param from the start position
		 * @return this builder
		 */
		public Builder from(StartPosition from) {
			this.from = from;
			return this;
		}

		/**
		 * Filter {@code $all} on the server.
		 * @param filter the filter
		 * @return this builder
		 */
		public Builder filter(EventFilterSpec filter) {
			this.filter = filter;
			return this;
		}

		/**
		 * Resolve link events.
		 * @param resolveLinks whether to resolve them
		 * @return this builder
		 */
		public Builder resolveLinks(boolean resolveLinks) {
			this.resolveLinks = resolveLinks;
			return this;
		}

		/**
		 * Whether to start with the registry.
		 * @param autoStartup true to start automatically
		 * @return this builder
		 */
		public Builder autoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
			return this;
		}

		/**
		 * Use a checkpoint store bean other than the default.
		 * @param beanName the store's bean name
		 * @return this builder
		 */
		public Builder checkpointStore(String beanName) {
			this.checkpointStore = beanName;
			return this;
		}

		/**
		 * Persistent subscription settings.
		 * @param settings the settings
		 * @return this builder
		 */
		public Builder persistentSettings(PersistentSettings settings) {
			this.persistentSettings = settings;
			return this;
		}

		/**
		 * The handler of every event.
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder handler(SubscriptionHandler handler) {
			this.dispatcher = EventDispatcher.of(handler);
			return this;
		}

		/**
		 * A dispatcher, e.g. by event type.
		 * @param dispatcher the dispatcher
		 * @return this builder
		 */
		public Builder dispatcher(EventDispatcher dispatcher) {
			this.dispatcher = dispatcher;
			return this;
		}

		/**
		 * What declared the subscription, for messages.
		 * @param source e.g. "bean 'x' method 'y'"
		 * @return this builder
		 */
		public Builder source(String source) {
			this.source = source;
			return this;
		}

		/**
		 * Handle up to this many events at once, in order per partition key.
		 * @param concurrency at least 1; 0 for the configured default
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * The partition key of concurrent handling (default: the event's stream).
		 * @param partitionKey the resolver
		 * @return this builder
		 */
		public Builder partitionKey(PartitionKeyResolver partitionKey) {
			this.partitionKey = partitionKey;
			return this;
		}

		/**
		 * Run each handler call in a transaction that also writes the event's checkpoint, so that the handler's
		 * database work and the position commit together (catch-up only).
		 * @param transactional whether to
		 * @return this builder
		 */
		public Builder transactional(boolean transactional) {
			this.transactional = transactional;
			return this;
		}

		/**
		 * The transaction manager of a transactional subscription, when there are several.
		 * @param beanName the transaction manager's bean name
		 * @return this builder
		 */
		public Builder transactionManager(String beanName) {
			this.transactionManager = beanName;
			return this;
		}

		/**
		 * Build the endpoint.
		 * @return the endpoint
		 */
		public SubscriptionEndpoint build() {
			return new SubscriptionEndpoint(this.id, this.stream, this.group, this.from, this.filter,
					this.resolveLinks, this.autoStartup, this.checkpointStore, this.persistentSettings,
					this.dispatcher, this.source, this.concurrency, this.partitionKey, this.transactional,
					this.transactionManager);
		}

	}

}
