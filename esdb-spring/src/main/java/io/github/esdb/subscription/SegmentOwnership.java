package io.github.esdb.subscription;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Which application instance holds one segment of a coordinated subscription with a concurrency above 1, as this
 * instance last saw it.
 *
 * @param segment the segment, from 0 to the subscription's concurrency less 1: it handles the events of that partition
 * @param owner the instance holding the segment's lease, {@code null} when none does (never taken, released, or not
 * renewed for a lease TTL)
 * @param epoch the segment lease's epoch, which grows with every acquisition; 0 when none is known
 * @param until when the lease runs out unless renewed, {@code null} when none is known
 * @param state the segment's state on this instance: active while this instance runs it, {@code STANDBY} while it
 * does not, {@code FAILED} when the error policy stopped it here
 */
public record SegmentOwnership(int segment, @Nullable String owner, long epoch, @Nullable Instant until,
		SubscriptionState state) {

}
