package io.github.esdb.observability;

import java.time.Instant;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * What the {@link SubscriptionMonitor} knows about one subscription at a moment: the registry's snapshot plus the
 * head it last read, the lag derived from both, and the stall watchdog's verdict.
 *
 * @param snapshot the subscription as the registry reports it
 * @param head the last event of the stream (or of {@code $all}) when it was last read; {@code null} when the stream
 * is empty or the head is not known yet
 * @param headReadAt when the head was last read successfully, {@code null} if never
 * @param headStaleSince when the monitor first failed to read the head since its last successful reading (the
 * server is down or unreachable), {@code null} while the last reading succeeded; while set, the lag is unknown
 * @param lagEvents how far behind the head the subscription is: revisions for a stream; for a {@code $all}
 * subscription, catch-up or persistent, the user events after its position that pass its filter (exact within the
 * newest 1,000 events of the log, estimated beyond); {@code null} when unknown (no head yet, or the head is stale)
 * @param lagSeconds the age of the last event handled while the subscription is behind, 0 when it is not behind,
 * {@code null} when unknown
 * @param behind whether the subscription has events to catch up on (a live persistent {@code $all} consumer never
 * counts as behind: other consumers and the group's filter take events past its position); false when unknown
 * @param stalled whether the stall watchdog gave up on it: behind without moving (judged only while the head is
 * known), or a handler running, for longer than the stall timeout
 * @param caughtUpOnce whether it reached the head (LIVE) at least once since the application started
 * @param inFlight how many events are inside a handler right now
 * @param lastProgressAt when its position or its handled/skipped/nacked counts last changed (or it was started)
 */
public record SubscriptionStatus(SubscriptionSnapshot snapshot, Checkpoint head, Instant headReadAt,
		Instant headStaleSince, Long lagEvents, Double lagSeconds, boolean behind, boolean stalled,
		boolean caughtUpOnce, int inFlight, Instant lastProgressAt) {

	/**
	 * The subscription id.
	 * @return the id
	 */
	public String id() {
		return this.snapshot.id();
	}

	/**
	 * Whether the last attempt to read the head failed, so that the lag is unknown.
	 * @return true while the head is stale
	 */
	public boolean headStale() {
		return this.headStaleSince != null;
	}

}
