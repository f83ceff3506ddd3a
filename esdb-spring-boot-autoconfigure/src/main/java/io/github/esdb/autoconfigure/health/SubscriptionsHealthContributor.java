package io.github.esdb.autoconfigure.health;

import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.esdb.observability.SubscriptionMonitor;

/**
 * The {@code esdbSubscriptions} health: one {@link SubscriptionHealthIndicator} per subscription, named by its id,
 * so {@code /actuator/health/esdbSubscriptions/{id}} shows one subscription. Subscriptions registered at runtime
 * appear without a restart.
 */
public class SubscriptionsHealthContributor implements CompositeHealthContributor {

	private final SubscriptionMonitor monitor;

	private final boolean reconnectingIsDown;

	/**
	 * Create the contributor.
	 * @param monitor where the subscriptions' status comes from
	 * @param reconnectingIsDown whether a reconnecting subscription is DOWN
	 */
	public SubscriptionsHealthContributor(SubscriptionMonitor monitor, boolean reconnectingIsDown) {
		this.monitor = monitor;
		this.reconnectingIsDown = reconnectingIsDown;
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.monitor.ids().contains(name) ? indicator(name) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.monitor.ids().stream().map((id) -> new Entry(id, indicator(id)));
	}

	private HealthIndicator indicator(String id) {
		return new SubscriptionHealthIndicator(this.monitor, id, this.reconnectingIsDown);
	}

}
