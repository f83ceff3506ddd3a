package io.github.esdb.core;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import io.github.esdb.core.TestEvents.ItemAdded;
import io.github.esdb.core.TestEvents.OrderEvent;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.core.TestEvents.OrderShipped;
import io.github.esdb.core.TestEvents.OrderTotal;
import io.kurrent.dbclient.StreamState;

import org.springframework.dao.OptimisticLockingFailureException;

/**
 * The code shown in {@code docs/template.md}, kept here so that it compiles and runs
 * ({@link DocumentationExamplesTests}). Change both together.
 */
final class DocumentationExamples {

	private DocumentationExamples() {
	}

	// tag::service[]
	static class OrderService {

		private final EsdbOperations esdb;

		OrderService(EsdbOperations esdb) {
			this.esdb = esdb;
		}

		void place(String orderId, String customer) {
			// noStream(): placing the same order twice fails with EsdbWrongExpectedVersionException.
			this.esdb.append("order-" + orderId, StreamState.noStream(), List.of(new OrderPlaced(orderId, customer)));
		}

		void addItem(String orderId, ItemAdded item) {
			for (int attempt = 1;; attempt++) {
				Folded<OrderTotal> order = this.esdb.load("order-" + orderId, OrderEvent.class, OrderTotal.empty(),
						OrderTotal::apply);
				if (order.state().shipped()) {
					throw new IllegalStateException("Order " + orderId + " has already shipped");
				}
				try {
					this.esdb.append("order-" + orderId, order.expectedState(), List.of(item));
					return;
				}
				catch (OptimisticLockingFailureException ex) {
					// Someone appended since we loaded: decide again on the new state.
					if (attempt == 3) {
						throw ex;
					}
				}
			}
		}

		OrderTotal total(String orderId) {
			return this.esdb.fold("order-" + orderId, OrderTotal.empty(), OrderTotal::apply);
		}

	}
	// end::service[]

	// tag::reading[]
	static List<OrderEvent> lastTwoEvents(EsdbOperations esdb, String stream) {
		return esdb.readStream(stream, StreamReadOptions.backwards().limit(2), OrderEvent.class)
			.stream()
			.map(StoredEvent::payload)
			.toList();
	}

	static String whoCausedTheFirstEvent(EsdbOperations esdb, String stream) {
		StoredEvent<OrderEvent> first = esdb.readEvent(stream, 0, OrderEvent.class);
		return first.context().causationId().orElse("nobody: it started the chain");
	}

	static boolean exists(EsdbOperations esdb, String stream) {
		OptionalLong revision = esdb.currentRevision(stream);
		return revision.isPresent();
	}
	// end::reading[]

	// tag::metadata[]
	static AppendResult shipWithMetadata(EsdbOperations esdb, String orderId, String requestId) {
		return esdb.append("order-" + orderId, EventToAppend.of(new OrderShipped("dhl"))
			.withCorrelationId(requestId)
			.withMetadata("user", "alice"));
	}
	// end::metadata[]

	// tag::multi[]
	static MultiStreamAppendResult transfer(EsdbOperations esdb, String fromOrder, String toOrder, ItemAdded item) {
		return esdb.appendAll(List.of(
				StreamAppend.of("order-" + fromOrder, StreamState.streamExists(),
						new ItemAdded(item.sku(), -item.quantity(), item.price())),
				StreamAppend.of("order-" + toOrder, StreamState.streamExists(), item)));
	}
	// end::multi[]

	// tag::stream-metadata[]
	static EsdbStreamMetadata keepAWeek(EsdbOperations esdb, String stream) {
		esdb.setStreamMetadata(stream, EsdbStreamMetadata.empty()
			.withMaxAge(Duration.ofDays(7))
			.withMaxCount(10_000)
			.withCustom("owner", "billing"));
		return esdb.getStreamMetadata(stream);
	}
	// end::stream-metadata[]

}
