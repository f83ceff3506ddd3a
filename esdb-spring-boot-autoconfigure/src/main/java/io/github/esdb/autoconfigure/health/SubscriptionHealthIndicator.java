package io.github.esdb.autoconfigure.health;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.esdb.connection.ConnectionFailure;
import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.subscription.SegmentOwnership;
import io.github.esdb.subscription.SubscriptionOwnership;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Health of one subscription: DOWN when it FAILED, when the stall watchdog reports it stalled, and when it reconnects
 * because of an authentication or TLS failure (which retrying does not cure; the {@code error} detail says what to
 * fix), and, if configured, whenever it reconnects; UP otherwise, including STOPPED (stopping is an operator's
 * decision, not a fault) and STANDBY (another instance holds its lease; the details name it and until when). A
 * subscription split into segments lists the segments this instance runs and those no instance runs. The details say where it is and how far behind; the lag is "unknown" while the head cannot
 * be read ({@code headStaleSince} says since when).
 */
public class SubscriptionHealthIndicator implements HealthIndicator {

	private final SubscriptionMonitor monitor;

	private final String id;

	private final boolean reconnectingIsDown;

	/**
	 * Create the indicator.
	 * @param monitor where the status comes from
	 * @param id the subscription id
	 * @param reconnectingIsDown whether RECONNECTING is DOWN
	 */
	public SubscriptionHealthIndicator(SubscriptionMonitor monitor, String id, boolean reconnectingIsDown) {
		this.monitor = monitor;
		this.id = id;
		this.reconnectingIsDown = reconnectingIsDown;
	}

	@Override
	public Health health() {
		Optional<SubscriptionStatus> found = this.monitor.status(this.id);
		if (found.isEmpty()) {
			return Health.unknown().withDetail("error", "No subscription '" + this.id + "'").build();
		}
		SubscriptionStatus status = found.get();
		SubscriptionSnapshot snapshot = status.snapshot();
		Health.Builder builder = isDown(status) ? Health.down() : Health.up();
		builder.withDetail("state", snapshot.state())
			.withDetail("kind", snapshot.kind())
			.withDetail("stream", snapshot.stream());
		if (snapshot.group() != null) {
			builder.withDetail("group", snapshot.group());
		}
		builder.withDetail("position", String.valueOf(snapshot.position()));
		if (snapshot.committed() != null) {
			builder.withDetail("committed", snapshot.committed().toString());
		}
		builder.withDetail("head", String.valueOf(status.head()));
		if (status.headReadAt() != null) {
			builder.withDetail("headReadAt", status.headReadAt());
		}
		if (status.headStaleSince() != null) {
			builder.withDetail("headStaleSince", status.headStaleSince());
		}
		builder.withDetail("lagEvents", (status.lagEvents() != null) ? status.lagEvents() : "unknown")
			.withDetail("lagSeconds", (status.lagSeconds() != null) ? status.lagSeconds() : "unknown")
			.withDetail("stalled", status.stalled())
			.withDetail("inFlight", status.inFlight())
			.withDetail("concurrency", snapshot.concurrency())
			.withDetail("unfinished", snapshot.inFlight())
			.withDetail("reconnects", snapshot.reconnects())
			.withDetail("handled", snapshot.handled())
			.withDetail("skipped", snapshot.skipped())
			.withDetail("failed", snapshot.failed())
			.withDetail("nacked", snapshot.nacked());
		if (snapshot.oldestUnfinished() != null) {
			builder.withDetail("oldestUnfinished", snapshot.oldestUnfinished().toString());
		}
		SubscriptionOwnership ownership = snapshot.ownership();
		if (ownership != null) {
			builder.withDetail("owner", (ownership.owner() != null) ? ownership.owner() : "none")
				.withDetail("ownedHere", ownership.owned())
				.withDetail("instance", ownership.instanceId())
				.withDetail("leaseEpoch", ownership.epoch());
			if (ownership.until() != null) {
				builder.withDetail("leaseUntil", ownership.until());
			}
		}
		if (!snapshot.segments().isEmpty()) {
			// Which segments run here, and which none of the instances runs (none renewed their lease): events of
			// those wait until one takes them, within a lease TTL unless every instance is gone or failing.
			builder.withDetail("segments", snapshot.segments().size())
				.withDetail("segmentsHere", snapshot.segments()
					.stream()
					.filter((segment) -> ownership != null && ownership.instanceId().equals(segment.owner()))
					.map(SegmentOwnership::segment)
					.toList())
				.withDetail("segmentsUnowned", snapshot.segments()
					.stream()
					.filter((segment) -> segment.owner() == null)
					.map(SegmentOwnership::segment)
					.toList());
		}
		ConnectionFailure misconfigured = misconfigured(snapshot);
		if (misconfigured != null) {
			builder.withDetail("error", misconfigured.message());
		}
		else if (status.stalled()) {
			builder.withDetail("error", "Stalled: no progress for more than " + this.monitor.stallTimeout()
					+ " while behind or inside a handler (last progress at " + status.lastProgressAt() + ")");
		}
		if (snapshot.lastError() != null) {
			builder.withDetail("lastError", snapshot.lastError()).withDetail("lastErrorAt", snapshot.lastErrorAt());
		}
		return builder.build();
	}

	private boolean isDown(SubscriptionStatus status) {
		SubscriptionState state = status.snapshot().state();
		return state == SubscriptionState.FAILED || status.stalled() || misconfigured(status.snapshot()) != null
				|| (this.reconnectingIsDown && state == SubscriptionState.RECONNECTING);
	}

	/** The authentication or TLS failure a subscription keeps reconnecting after, if that is why it reconnects. */
	private static @Nullable ConnectionFailure misconfigured(SubscriptionSnapshot snapshot) {
		return (snapshot.state() == SubscriptionState.RECONNECTING) ? snapshot.connectionFailure() : null;
	}

}
