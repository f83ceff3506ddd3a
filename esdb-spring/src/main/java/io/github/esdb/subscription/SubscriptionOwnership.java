package io.github.esdb.subscription;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Which application instance holds a coordinated subscription's lease, as this instance last saw it.
 *
 * @param instanceId this instance's id ({@code esdb.subscriptions.coordination.instance-id}, by default
 * {@code spring.application.name}, host and pid)
 * @param mode where the lease is kept: {@code kurrentdb} or {@code jdbc}
 * @param owner the instance holding the lease, {@code null} when none does (never taken, released or not known yet)
 * @param epoch the lease's epoch, which grows with every acquisition; 0 when none is known
 * @param until when the lease runs out unless renewed, {@code null} when none is known
 */
public record SubscriptionOwnership(String instanceId, String mode, @Nullable String owner, long epoch,
		@Nullable Instant until) {

	/**
	 * Whether this instance holds the lease.
	 * @return true when it is the owner
	 */
	public boolean owned() {
		return this.instanceId.equals(this.owner);
	}

}
