package io.github.esdb.core;

import java.math.BigDecimal;

import io.github.esdb.serialization.EventType;

/**
 * Payloads used by the template tests: an aggregate's sealed event family plus unrelated types.
 */
final class TestEvents {

	private TestEvents() {
	}

	sealed interface OrderEvent permits OrderPlaced, ItemAdded, OrderShipped {

	}

	@EventType("order-placed")
	record OrderPlaced(String orderId, String customer) implements OrderEvent {
	}

	record ItemAdded(String sku, int quantity, BigDecimal price) implements OrderEvent {
	}

	record OrderShipped(String carrier) implements OrderEvent {
	}

	/** Written by "another service": its type name maps to no class unless registered. */
	record InvoiceSent(String invoiceId) {
	}

	/** An order total folded from the events. */
	record OrderTotal(String customer, int items, BigDecimal total, boolean shipped) {

		static OrderTotal empty() {
			return new OrderTotal(null, 0, BigDecimal.ZERO, false);
		}

		OrderTotal apply(Object event) {
			if (event instanceof OrderPlaced placed) {
				return new OrderTotal(placed.customer(), this.items, this.total, this.shipped);
			}
			if (event instanceof ItemAdded item) {
				return new OrderTotal(this.customer, this.items + item.quantity(),
						this.total.add(item.price().multiply(BigDecimal.valueOf(item.quantity()))), this.shipped);
			}
			if (event instanceof OrderShipped) {
				return new OrderTotal(this.customer, this.items, this.total, true);
			}
			throw new IllegalArgumentException("Not an order event: " + event);
		}

	}

	/** Jackson cannot write it: the getter throws. */
	static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("no value today");
		}

	}

}
