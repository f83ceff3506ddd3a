package io.github.esdb.autoconfigure.health;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The {@code esdbSubscriptionsCaughtUp} health, meant for the readiness group: OUT_OF_SERVICE until every started
 * catch-up subscription has caught up (gone LIVE) once, so that a replica whose read models are still rebuilding gets
 * no traffic; UP from then on, also while the monitor cannot read the head (the server is down): a database outage
 * must not take every replica out of the load balancer at once, so such subscriptions are only listed under
 * {@code headStale} (their lag is unknown in health, metrics and the endpoint). Subscriptions that were never started (auto-startup off), were stopped, or stand by while another instance holds their lease do not hold
 * readiness back; a catch-up subscription that failed before catching up does.
 */
public class SubscriptionsCaughtUpHealthIndicator implements HealthIndicator {

	private final SubscriptionMonitor monitor;

	/**
	 * Create the indicator.
	 * @param monitor where the status comes from
	 */
	public SubscriptionsCaughtUpHealthIndicator(SubscriptionMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public Health health() {
		if (!this.monitor.registryRunning()) {
			return Health.outOfService().withDetail("reason", "Subscriptions have not been started yet").build();
		}
		List<String> caughtUp = new ArrayList<>();
		List<String> pending = new ArrayList<>();
		List<String> headStale = new ArrayList<>();
		for (SubscriptionStatus status : this.monitor.statuses()) {
			if (status.snapshot().kind() != SubscriptionKind.CATCH_UP
					|| status.snapshot().state() == SubscriptionState.STANDBY
					|| (status.snapshot().state() == SubscriptionState.STOPPED && !status.caughtUpOnce())) {
				continue;
			}
			boolean stale = status.headStale() && status.snapshot().state().isActive();
			if (stale) {
				headStale.add(status.id());
			}
			(status.caughtUpOnce() ? caughtUp : pending).add(status.id());
		}
		Health.Builder builder = pending.isEmpty() ? Health.up() : Health.outOfService();
		builder.withDetail("caughtUp", caughtUp).withDetail("pending", pending);
		if (!headStale.isEmpty()) {
			builder.withDetail("headStale", headStale);
		}
		return builder.build();
	}

}
