package io.github.esdb.embedded.persistent;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The group's bookkeeping for one subscriber: its in-flight window and its statistics. Guarded by the group lock.
 */
final class SubscriberConnection {

	final long id;

	final Subscriber subscriber;

	final int maxInFlight;

	final String from;

	final String username;

	final String connectionName;

	final Set<UUID> inFlight = new LinkedHashSet<>();

	long totalItems;

	long itemsAtLastMeasurement;

	long lastMeasurementNanos = System.nanoTime();

	SubscriberConnection(long id, Subscriber subscriber, int maxInFlight, String from, String username,
			String connectionName) {
		this.id = id;
		this.subscriber = subscriber;
		// A zero buffer size would never receive anything; the real server treats it the same way, but a minimum of
		// one keeps a misconfigured client from hanging silently.
		this.maxInFlight = Math.max(1, maxInFlight);
		this.from = from;
		this.username = username;
		this.connectionName = connectionName;
	}

	int availableSlots() {
		return Math.max(0, this.maxInFlight - this.inFlight.size());
	}

	/** Whether the strategy may hand this subscriber a message now. */
	boolean canTake() {
		return this.inFlight.size() < this.maxInFlight && this.subscriber.isReady();
	}

}
