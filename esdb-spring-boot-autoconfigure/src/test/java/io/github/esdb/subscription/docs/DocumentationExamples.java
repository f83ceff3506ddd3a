package io.github.esdb.subscription.docs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.kurrent.dbclient.ResolvedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.FixedBackOff;

import io.github.esdb.core.StoredEvent;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.BatchHandlerFailedException;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.ResetHandler;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionEndpoint.Builder;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.subscription.event.SubscriptionDroppedEvent;
import io.github.esdb.subscription.event.SubscriptionFailedEvent;

/**
 * The examples of docs/subscriptions.md, compiled so that they stay correct. Keep both in sync.
 */
final class DocumentationExamples {

	private DocumentationExamples() {
	}

	// tag::events[]
	@EventType("OrderPlaced")
	record OrderPlaced(String orderId, long amountCents) {
	}

	@EventType("OrderShipped")
	record OrderShipped(String orderId, String carrier) {
	}
	// end::events[]

	interface Mailer {

		void confirm(String orderId);

	}

	interface OrderViews {

		void placed(String orderId, long amountCents, long revision);

		void shipped(String orderId, String carrier);

	}

	interface Invoicing {

		boolean canInvoice(String orderId);

		void invoice(String orderId);

	}

	// tag::method[]
	@Component
	static class OrderEmails {

		private final Mailer mailer;

		OrderEmails(Mailer mailer) {
			this.mailer = mailer;
		}

		// A catch-up subscription: from the start (or the stored checkpoint), one event at a time, in order.
		@EventSubscription(id = "order-emails", stream = "${orders.stream:orders}")
		void on(OrderPlaced event, EventContext context) {
			this.mailer.confirm(event.orderId());
		}

	}
	// end::method[]

	// tag::projection[]
	@Component
	@EventSubscription(id = "order-view", stream = "$ce-order", resolveLinks = true)
	static class OrderViewProjection {

		private final OrderViews views;

		OrderViewProjection(OrderViews views) {
			this.views = views;
		}

		@EventHandler
		void placed(OrderPlaced event, EventContext context) {
			this.views.placed(event.orderId(), event.amountCents(), context.revision());
		}

		@EventHandler
		void shipped(OrderShipped event) {
			this.views.shipped(event.orderId(), event.carrier());
		}

		// Other event types in the stream are skipped; the checkpoint moves past them.

	}
	// end::projection[]

	// tag::all[]
	@Component
	static class Audit {

		private static final Logger logger = LoggerFactory.getLogger(Audit.class);

		// $all, filtered by the server on event type prefixes; starts from the end when there is no checkpoint.
		@EventSubscription(id = "audit", stream = "$all", eventTypePrefixes = { "Order", "Payment" }, from = "end")
		void on(ResolvedEvent event, EventContext context) {
			logger.info("{} {} in {}", context.eventType(), context.eventId(), context.stream());
		}

	}
	// end::all[]

	// tag::persistent[]
	@Component
	static class InvoiceWorker {

		private final Invoicing invoicing;

		InvoiceWorker(Invoicing invoicing) {
			this.invoicing = invoicing;
		}

		// A persistent subscription: the group is created when missing; competing consumers share the events.
		@EventSubscription(id = "invoicing", stream = "orders", group = "invoicing", from = "start",
				maxRetryCount = 5, messageTimeout = "1m", consumerStrategy = "RoundRobin", bufferSize = 20)
		void on(OrderPlaced event, EventContext context) {
			if (event.amountCents() < 0) {
				throw NackException.park("negative amount"); // to the parked stream, for a human to look at
			}
			if (!this.invoicing.canInvoice(event.orderId())) {
				throw NackException.retry("customer not synced yet, retry " + context.retryCount());
			}
			this.invoicing.invoice(event.orderId()); // returns normally: acked
		}

	}
	// end::persistent[]

	// tag::programmatic[]
	static void programmatic(SubscriptionRegistry registry) {
		// Catch-up subscriptions to a stream and to $all, and a persistent one.
		registry.subscribeToStream("cart-log", "carts",
				(event, context) -> System.out.println(context.eventType() + " @" + context.revision()));
		registry.subscribeToAll("payments-log", EventFilterSpec.streamPrefixes("payment-"),
				(event, context) -> System.out.println(context.stream()));
		registry.subscribePersistent("refunds", "refunds", "refund-workers", (event, context) -> {
			// ack on return, nack on NackException, the default action on other exceptions
		});

		// Every option of the annotation is available on the endpoint builder.
		Builder builder = SubscriptionEndpoint.toStream("replay", "orders")
			.from(StartPosition.revision(41))
			.autoStartup(false)
			.handler((event, context) -> System.out.println(context.eventId()));
		registry.register(builder.build());

		registry.start("replay");
		SubscriptionSnapshot snapshot = registry.snapshot("replay").orElseThrow();
		System.out.println(snapshot.state() + " at " + snapshot.position() + ", handled " + snapshot.handled());
		boolean graceful = registry.stop("replay", Duration.ofSeconds(5));
		registry.unsubscribe("cart-log", Duration.ofSeconds(5));
		System.out.println(graceful + " " + registry.ids());
	}
	// end::programmatic[]

	// tag::checkpoint-store[]
	/** Keeps checkpoints somewhere of the application's choosing (here a map). */
	@Component
	static class ReadModelCheckpointStore implements CheckpointStore {

		private final Map<String, Checkpoint> table = new ConcurrentHashMap<>();

		@Override
		public Optional<Checkpoint> load(String subscriptionId) {
			return Optional.ofNullable(this.table.get(subscriptionId));
		}

		@Override
		public void store(String subscriptionId, Checkpoint checkpoint) {
			this.table.put(subscriptionId, checkpoint);
		}

	}
	// end::checkpoint-store[]

	// tag::exactly-once-schema[]
	/** The read model's table; the checkpoint table esdb_checkpoint sits in the same database. */
	static final String ORDER_TOTALS_TABLE = """
			CREATE TABLE order_totals (
			    order_id     VARCHAR(100) PRIMARY KEY,
			    amount_cents BIGINT NOT NULL,
			    orders       INT NOT NULL
			)""";
	// end::exactly-once-schema[]

	// tag::exactly-once[]
	/**
	 * A read model kept exactly once: each call runs in a transaction of the DataSource's transaction manager, in
	 * which the subscription also writes the event's checkpoint (esdb.subscriptions.checkpoint.store=jdbc). The
	 * totals and the position commit together or not at all, so a crash never counts an order twice, nor loses one.
	 */
	@Component
	static class OrderTotals {

		private final JdbcClient jdbc;

		OrderTotals(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "order-totals", stream = "${orders.stream:orders}", transactional = "true")
		void on(OrderPlaced event) {
			// Not idempotent on purpose: an upsert that adds. Exactly once makes that safe.
			int updated = this.jdbc
				.sql("UPDATE order_totals SET amount_cents = amount_cents + ?, orders = orders + 1 WHERE order_id = ?")
				.param(event.amountCents())
				.param(event.orderId())
				.update();
			if (updated == 0) {
				this.jdbc.sql("INSERT INTO order_totals (order_id, amount_cents, orders) VALUES (?, ?, 1)")
					.param(event.orderId())
					.param(event.amountCents())
					.update();
			}
		}

	}
	// end::exactly-once[]

	// tag::batch-handler[]
	/**
	 * The same totals, a batch at a time: one transaction, one JDBC batch of upserts and one checkpoint per batch of
	 * up to 500 orders (or what arrived within 200 ms).
	 */
	@Component
	static class BatchedOrderTotals {

		private final JdbcTemplate jdbc;

		BatchedOrderTotals(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "batched-order-totals", stream = "${orders.stream:orders}", transactional = "true",
				batchSize = "500", batchMaxWait = "200ms")
		void on(List<StoredEvent<OrderPlaced>> orders) {
			for (int i = 0; i < orders.size(); i++) {
				if (orders.get(i).payload().amountCents() < 0) {
					// The orders before it commit, this one goes to the error policy, the rest come again.
					throw new BatchHandlerFailedException(i,
							new IllegalArgumentException("negative amount in " + orders.get(i).payload().orderId()));
				}
			}
			this.jdbc.batchUpdate("""
					INSERT INTO order_totals (order_id, amount_cents, orders) VALUES (?, ?, 1)
					ON CONFLICT (order_id) DO UPDATE SET amount_cents = order_totals.amount_cents + EXCLUDED.amount_cents,
					                                     orders = order_totals.orders + 1""",
					orders.stream().map((order) -> new Object[] { order.payload().orderId(), order.payload().amountCents() })
						.toList());
		}

	}
	// end::batch-handler[]

	// tag::policies[]
	@Configuration(proxyBeanMethods = false)
	static class SubscriptionPolicies {

		// Replaces the esdb.subscriptions.catch-up.* policy: 10 retries a second apart, then skip.
		@Bean
		CatchUpErrorPolicy catchUpErrorPolicy() {
			return new CatchUpErrorPolicy() {

				@Override
				public org.springframework.util.backoff.BackOff retryBackOff(SubscriptionEndpoint endpoint) {
					return new FixedBackOff(1000, 10);
				}

				@Override
				public Outcome onRetriesExhausted(SubscriptionEndpoint endpoint, EventContext event, Throwable error) {
					return endpoint.id().startsWith("report-") ? Outcome.SKIP : Outcome.STOP;
				}

			};
		}

		// Persistent: park validation errors at once, retry the rest.
		@Bean
		io.github.esdb.subscription.PersistentErrorPolicy persistentErrorPolicy() {
			return (endpoint, event, error) -> (error instanceof IllegalArgumentException)
					? NackException.park(error.getMessage()) : NackException.retry(String.valueOf(error));
		}

	}
	// end::policies[]

	// tag::reset[]
	/**
	 * A read model that can be rebuilt: registry.reset("order-history", StartPosition.START), or the actuator's reset
	 * action, stops the subscription, calls clear(), stores the checkpoint before the first event and replays.
	 */
	@Component
	static class OrderHistory {

		private final JdbcClient jdbc;

		OrderHistory(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@EventSubscription(id = "order-history", stream = "${orders.stream:orders}", transactional = "true")
		void on(OrderPlaced event, EventContext context) {
			this.jdbc.sql("INSERT INTO order_history (order_id, amount_cents, revision) VALUES (?, ?, ?)")
				.param(event.orderId())
				.param(event.amountCents())
				.param(context.revision())
				.update();
		}

		// Before the replay; transactional, so in the transaction that also stores the new checkpoint.
		@ResetHandler
		void clear(StartPosition to) {
			if (to.kind() == StartPosition.Kind.REVISION) {
				// Keep what the replay does not write again.
				this.jdbc.sql("DELETE FROM order_history WHERE revision >= ?").param(to.revision()).update();
			}
			else {
				this.jdbc.sql("DELETE FROM order_history").update();
			}
		}

	}
	// end::reset[]

	// tag::observe[]
	@Component
	static class SubscriptionAlerts implements SubscriptionObserver {

		private static final Logger logger = LoggerFactory.getLogger(SubscriptionAlerts.class);

		@Override
		public void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
			logger.info("{}: {} -> {}", snapshot.id(), previous, snapshot.state());
		}

		@Override
		public void eventNacked(String subscriptionId, EventContext event, NackException.Action action,
				String reason) {
			logger.warn("{} nacked {} ({}): {}", subscriptionId, event.eventId(), action, reason);
		}

		@EventListener
		void onFailed(SubscriptionFailedEvent failed) {
			logger.error("Subscription {} failed", failed.getSubscriptionId(), failed.getCause());
		}

		@EventListener
		void onDropped(SubscriptionDroppedEvent dropped) {
			logger.warn("Subscription {} dropped: {}", dropped.getSubscriptionId(), dropped.getCause());
		}

	}
	// end::observe[]

}
