package io.github.esdb.autoconfigure.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.github.esdb.subscription.coordination.LeaseListener;
import io.github.esdb.subscription.coordination.SubscriptionLease;

/**
 * Counts the leases of coordinated subscriptions this instance gained ({@code esdb.subscription.lease.acquired}) and
 * lost to another instance or to failed renewals ({@code esdb.subscription.lease.lost}), per subscription. A lost
 * lease on a healthy cluster means renewals came late: a paused JVM, a slow database or a TTL too short.
 */
public class SubscriptionLeaseMetrics implements LeaseListener {

	private final MeterRegistry registry;

	/**
	 * Create the meters.
	 * @param registry where to register them
	 */
	public SubscriptionLeaseMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void acquired(SubscriptionLease lease) {
		counter("esdb.subscription.lease.acquired", "Leases this instance acquired", lease).increment();
	}

	@Override
	public void lost(SubscriptionLease lease, String reason) {
		counter("esdb.subscription.lease.lost", "Leases this instance lost while holding them", lease).increment();
	}

	private Counter counter(String name, String description, SubscriptionLease lease) {
		return Counter.builder(name)
			.description(description)
			.tag("subscription", lease.subscriptionId())
			.register(this.registry);
	}

}
