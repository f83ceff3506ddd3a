package io.github.esdb.subscription;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Subscribes a bean method, or a bean class whose {@link EventHandler @EventHandler} methods are dispatched by event
 * type, to a KurrentDB stream, to {@code $all}, or to a persistent subscription group.
 * <p>
 * Without {@link #group()} the subscription is a catch-up subscription whose position is kept in a
 * {@link CheckpointStore}; with a group it is a persistent subscription whose position the server keeps. String
 * attributes resolve {@code ${...}} placeholders.
 * <p>
 * Delivery is at least once: after a crash, events handled since the last committed checkpoint are delivered again,
 * so handlers should be idempotent. A catch-up subscription declared {@link #transactional()} with the JDBC
 * checkpoint store on the read model's database is exactly once for that database's work: each handler call and its
 * checkpoint commit together.
 *
 * <pre class="code">
 * &#64;EventSubscription(stream = "orders", id = "order-emails")
 * void on(OrderPlaced event, EventContext context) { ... }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventSubscription {

	/**
	 * The subscription's id, unique in the application; it names the checkpoint and appears in logs, events and
	 * snapshots. Defaults to {@code <beanName>.<methodName>} on a method and {@code <beanName>} on a class.
	 * @return the id
	 */
	String id() default "";

	/**
	 * The stream to subscribe to; {@code $all} subscribes to every event in the database. Required.
	 * @return the stream name
	 */
	String stream() default "";

	/**
	 * The persistent subscription group. When set the subscription is a persistent (competing consumers) one,
	 * otherwise a catch-up subscription.
	 * @return the group name, empty for a catch-up subscription
	 */
	String group() default "";

	/**
	 * Where to start: {@code start}, {@code end}, a stream revision such as {@code 42} for stream subscriptions, or a
	 * {@code $all} position such as {@code C:1234/P:1234} (or a single commit position {@code 1234}). A catch-up
	 * subscription uses it only when no checkpoint is stored; it then defaults to {@code start}. For a persistent
	 * subscription it is the start of a group this application creates; by default the server's default (the end).
	 * @return the start position
	 */
	String from() default "";

	/**
	 * For {@code $all}: only events whose type starts with one of these prefixes (sent to the server as an anchored
	 * regular expression).
	 * @return event type prefixes
	 */
	String[] eventTypePrefixes() default {};

	/**
	 * For {@code $all}: only events whose type matches this regular expression (unanchored, .NET syntax on the
	 * server).
	 * @return a regular expression, empty for none
	 */
	String eventTypePattern() default "";

	/**
	 * For {@code $all}: only events of streams whose name starts with one of these prefixes.
	 * @return stream name prefixes
	 */
	String[] streamPrefixes() default {};

	/**
	 * For {@code $all}: only events of streams whose name matches this regular expression (unanchored).
	 * @return a regular expression, empty for none
	 */
	String streamPattern() default "";

	/**
	 * Whether link events ({@code $>}, e.g. in {@code $ce-} and {@code $et-} streams) are resolved to the events
	 * they point to.
	 * @return true to resolve links
	 */
	boolean resolveLinks() default false;

	/**
	 * Whether the subscription starts with the application context; when false start it through
	 * {@link SubscriptionRegistry#start(String)}. Accepts a placeholder such as {@code ${orders.enabled:true}}.
	 * @return {@code "true"} or {@code "false"}
	 */
	String autoStartup() default "true";

	/**
	 * The bean name of the {@link CheckpointStore} for this catch-up subscription; empty for the default store.
	 * @return a bean name
	 */
	String checkpointStore() default "";

	/**
	 * Persistent only: how often the server delivers an event before it parks it. -1 for the server default (10).
	 * @return the maximum retry count
	 */
	int maxRetryCount() default -1;

	/**
	 * Persistent only: how long the server waits for an ack before delivering the event again, as a duration such
	 * as {@code 30s}; empty for the server default (30s).
	 * @return the message timeout
	 */
	String messageTimeout() default "";

	/**
	 * Persistent only: how the server spreads events over the group's consumers: {@code RoundRobin} (default),
	 * {@code DispatchToSingle}, {@code Pinned} or {@code PinnedByCorrelation}.
	 * @return the consumer strategy name, empty for the default
	 */
	String consumerStrategy() default "";

	/**
	 * Persistent only: how many unacknowledged events the server sends this consumer at once. -1 for
	 * {@code esdb.subscriptions.persistent.buffer-size}.
	 * @return the buffer size
	 */
	int bufferSize() default -1;

	/**
	 * Persistent only: how many events the server reads from the log at once. -1 for the server's default.
	 * @return the read batch size
	 */
	int readBatchSize() default -1;

	/**
	 * Persistent only: how many live events the server buffers for the group. -1 for the server's default.
	 * @return the live buffer size
	 */
	int liveBufferSize() default -1;

	/**
	 * Persistent only: how many events the server buffers while it catches the group up. -1 for the server's
	 * default.
	 * @return the history buffer size
	 */
	int historyBufferSize() default -1;

	/**
	 * Persistent only: how long the server waits between checkpoints of the group's position, such as {@code 2s}.
	 * @return the duration, empty for the server's default
	 */
	String checkpointAfter() default "";

	/**
	 * Persistent only: the fewest acked events between two checkpoints of the group. -1 for the server's default.
	 * @return the count
	 */
	int minCheckpointCount() default -1;

	/**
	 * Persistent only: the most acked events between two checkpoints of the group. -1 for the server's default.
	 * @return the count
	 */
	int maxCheckpointCount() default -1;

	/**
	 * Persistent only: how many consumers the group takes at once (0 for no limit). -1 for the server's default.
	 * @return the count
	 */
	int maxSubscriberCount() default -1;

	/**
	 * Persistent only: whether the server keeps extra statistics for the group ({@code true} or {@code false}).
	 * @return the flag, empty for the server's default
	 */
	String extraStatistics() default "";

	/**
	 * How many events are handled at once. Events are partitioned by {@link #partitionBy()} (by default their
	 * stream): events of one partition are handled one at a time in log order, different partitions in parallel. A
	 * catch-up subscription's checkpoint never passes an event that is not finished. Accepts a placeholder such as
	 * {@code ${orders.concurrency:8}}; {@code esdb.subscriptions.by-id.<id>.concurrency} overrides it and
	 * {@code esdb.subscriptions.concurrency} (1) is the default.
	 * @return the concurrency, empty for the configured value
	 */
	String concurrency() default "";

	/**
	 * The partition key of concurrent handling: the name of a {@link PartitionKeyResolver} bean, or a SpEL
	 * expression over {@code payload} (the deserialized event) and {@code context} (its {@link EventContext}), such as
	 * {@code payload.customerId} or {@code context.metadata['tenant']}. Empty for the event's stream.
	 * @return the bean name or expression
	 */
	String partitionBy() default "";

	/**
	 * Whether each handler call runs in a transaction that also writes the event's checkpoint, so that what the
	 * handler does in that transaction's database and the subscription's position commit together or not at all: a
	 * crash never applies an event twice, nor loses one. Catch-up subscriptions only, with a
	 * {@link TransactionalCheckpointStore} on the transaction manager's database (with a concurrency above 1, a
	 * {@link PartitionCheckpointStore}, where each partition commits its own position; the JDBC store is both:
	 * {@code esdb.subscriptions.checkpoint.store=jdbc}); anything else fails start-up saying what to change.
	 * {@code esdb.subscriptions.by-id.<id>.transactional} overrides it. Accepts a placeholder.
	 * @return {@code "true"} or {@code "false"}
	 */
	String transactional() default "false";

	/**
	 * The bean name of the transaction manager of a {@link #transactional()} subscription; empty for the only (or
	 * the primary) {@code PlatformTransactionManager}. {@code esdb.subscriptions.by-id.<id>.transaction-manager}
	 * overrides it.
	 * @return a bean name
	 */
	String transactionManager() default "";

	/**
	 * For a batch handler (a method that takes {@code List<T>}, {@code List<byte[]>} or
	 * {@code List<StoredEvent<T>>}): the most events handed over in one call. A batch is handed over when it holds
	 * this many events or when {@link #batchMaxWait()} passed since its first event arrived. One transaction (when
	 * {@link #transactional()}), one checkpoint and, on a persistent subscription, one ack per batch.
	 * {@code esdb.subscriptions.by-id.<id>.batch-size} overrides it, {@code esdb.subscriptions.batch.size} (100) is the
	 * default. Accepts a placeholder such as {@code ${totals.batch-size:500}}.
	 * @return the size, empty for the configured value
	 */
	String batchSize() default "";

	/**
	 * For a batch handler: how long the first event of a batch waits for more before the batch is handed over, such as
	 * {@code 200ms} or {@code PT0.2S}. {@code esdb.subscriptions.by-id.<id>.batch-max-wait} overrides it,
	 * {@code esdb.subscriptions.batch.max-wait} (100ms) is the default.
	 * @return the duration, empty for the configured value
	 */
	String batchMaxWait() default "";

}
