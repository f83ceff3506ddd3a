package io.github.esdb.boot.test.shop;

import io.github.esdb.serialization.EventType;

/**
 * The shop's events.
 */
public final class ShopEvents {

	private ShopEvents() {
	}

	@EventType("OrderPlaced")
	public record OrderPlaced(String orderId, long amount) {
	}

	@EventType("OrderShipped")
	public record OrderShipped(String orderId) {
	}

	@EventType("InvoiceIssued")
	public record InvoiceIssued(String orderId, long amount) {
	}

	@EventType("AuditNote")
	public record AuditNote(String text) {
	}

}
