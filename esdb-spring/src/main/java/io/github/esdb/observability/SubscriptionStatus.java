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
 * @param lagEvents how far behind the head the subscription is: revisions for a stream; for a {@code $all}
 * subscription, catch-up or persistent, the user events after its position that pass its filter (exact within the
 * newest 1,000 events of the log, estimated beyond); {@code null} when unknown
 * @param lagSeconds the age of the last event handled while the subscription is behind, 0 when it is not behind,
 * {@code null} when unknown
 * @param behind whether the subscription has events to catch up on (a live persistent {@code $all} consumer never
 * counts as behind: other consumers and the group's filter take events past its position)
 * @param stalled whether the stall watchdog gave up on it: behind without moving, or a handler running, for longer
 * than the stall timeout
 * @param caughtUpOnce whether it reached the head (LIVE) at least once since the application started
 * @param inFlight how many events are inside a handler right now
 * @param lastProgressAt when its position or its handled/skipped/nacked counts last changed (or it was started)
 */
public record SubscriptionStatus(SubscriptionSnapshot snapshot, Checkpoint head, Instant headReadAt, Long lagEvents,
		Double lagSeconds, boolean behind, boolean stalled, boolean caughtUpOnce, int inFlight,
		Instant lastProgressAt) {

	/**
	 * The subscription id.
	 * @return the id
	 */
	public String id() {
		return this.snapshot.id();
	}

}
