package io.github.esdb.benchmarks;

import io.github.esdb.serialization.EventType;

/**
 * The payload of every benchmark event: a small order-like record whose JSON form is about 200 bytes, so that
 * deserializing it costs what a typical domain event costs.
 *
 * @param orderId an order id
 * @param sequence a sequence number
 * @param customer a customer id
 * @param amountCents an amount
 * @param note padding text that brings the JSON to about {@link #JSON_SIZE} bytes
 */
@EventType(BenchmarkEvent.TYPE)
public record BenchmarkEvent(String orderId, long sequence, String customer, long amountCents, String note) {

	/** The event type name written to the server. */
	public static final String TYPE = "BenchmarkEvent";

	/** The approximate size of the JSON form, in bytes. */
	public static final int JSON_SIZE = 200;

	/**
	 * An event with the given sequence number and a note that pads its JSON to about {@link #JSON_SIZE} bytes.
	 * @param sequence the sequence number
	 * @return the event
	 */
	public static BenchmarkEvent sample(long sequence) {
		String orderId = String.format("order-%08d", sequence);
		String customer = String.format("customer-%05d", sequence % 10_000);
		// Field names, quotes, separators and the two numbers take about 120 bytes; the note makes up the rest.
		int fixed = 120 + orderId.length() + customer.length();
		return new BenchmarkEvent(orderId, sequence, customer, 1_000 + sequence % 100_000,
				"n".repeat(Math.max(0, JSON_SIZE - fixed)));
	}

}
