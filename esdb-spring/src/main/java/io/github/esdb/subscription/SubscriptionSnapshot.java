package io.github.esdb.subscription;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.github.esdb.connection.ConnectionFailure;

/**
 * A read-only view of one subscription at a moment.
 *
 * @param id the subscription id
 * @param kind catch-up or persistent
 * @param stream the stream or {@code $all}
 * @param group the persistent group, {@code null} for catch-up
 * @param state the current state
 * @param position the last event handled or skipped (catch-up: also the server's filter checkpoints); {@code null}
 * before the first event
 * @param committed the last checkpoint stored (catch-up only), {@code null} if none
 * @param lastError the last handler or connection error message, {@code null} if none; for an authentication or TLS
 * failure, the {@linkplain ConnectionFailure#message() message that names what to fix}
 * @param lastErrorAt when it happened
 * @param handled events handed to a handler that returned normally
 * @param skipped events no handler accepted, or skipped by the error policy or a nack
 * @param failed handler invocations that threw
 * @param nacked persistent events negatively acknowledged
 * @param reconnects resubscriptions after drops
 * @param filter the server-side filter of a {@code $all} subscription (given, or derived from the handlers' event
 * types), {@code null} when the subscription receives every event
 * @param concurrency how many events it handles at once
 * @param inFlight events handed to its partitions and not finished (0 when it handles one at a time)
 * @param oldestUnfinished the oldest event not finished, before which a catch-up checkpoint stays; {@code null} when
 * none
 * @param connectionFailure the last error when it is an authentication or TLS failure (which retrying does not cure),
 * {@code null} when the last error is of another kind or there is none
 * @param ownership which application instance holds the subscription's lease and until when, {@code null} when the
 * subscription is not coordinated ({@code esdb.subscriptions.coordination.mode=none}); for a segmented subscription
 * the owner is this instance while it holds at least one segment
 * @param segments who holds each segment of a coordinated subscription with a concurrency above 1, by segment; empty
 * when the subscription is not split into segments
 */
public record SubscriptionSnapshot(String id, SubscriptionKind kind, String stream, @Nullable String group,
		SubscriptionState state, @Nullable Checkpoint position, @Nullable Checkpoint committed,
		@Nullable String lastError, @Nullable Instant lastErrorAt, long handled, long skipped, long failed, long nacked,
		long reconnects, @Nullable EventFilterSpec filter, int concurrency, int inFlight,
		@Nullable Checkpoint oldestUnfinished, @Nullable ConnectionFailure connectionFailure,
		@Nullable SubscriptionOwnership ownership, List<SegmentOwnership> segments) {

	public SubscriptionSnapshot {
		segments = List.copyOf(segments);
	}

	/**
	 * A snapshot of a subscription that is not coordinated across instances.
	 */
	public SubscriptionSnapshot(String id, SubscriptionKind kind, String stream, @Nullable String group,
			SubscriptionState state, @Nullable Checkpoint position, @Nullable Checkpoint committed,
			@Nullable String lastError, @Nullable Instant lastErrorAt, long handled, long skipped, long failed,
			long nacked, long reconnects, @Nullable EventFilterSpec filter, int concurrency, int inFlight,
			@Nullable Checkpoint oldestUnfinished, @Nullable ConnectionFailure connectionFailure) {
		this(id, kind, stream, group, state, position, committed, lastError, lastErrorAt, handled, skipped, failed,
				nacked, reconnects, filter, concurrency, inFlight, oldestUnfinished, connectionFailure, null, List.of());
	}

	/**
	 * This snapshot as a coordinated subscription shows it.
	 * @param state the state to show (STANDBY while another instance holds the lease)
	 * @param ownership who holds the lease
	 * @return the snapshot
	 */
	public SubscriptionSnapshot withOwnership(SubscriptionState state, SubscriptionOwnership ownership) {
		return new SubscriptionSnapshot(this.id, this.kind, this.stream, this.group, state, this.position,
				this.committed, this.lastError, this.lastErrorAt, this.handled, this.skipped, this.failed, this.nacked,
				this.reconnects, this.filter, this.concurrency, this.inFlight, this.oldestUnfinished,
				this.connectionFailure, ownership, this.segments);
	}

	/**
	 * This snapshot as a segmented subscription shows it.
	 * @param state the state to show
	 * @param ownership this instance and whether it holds any segment
	 * @param segments who holds each segment
	 * @return the snapshot
	 */
	public SubscriptionSnapshot withSegments(SubscriptionState state, SubscriptionOwnership ownership,
			List<SegmentOwnership> segments) {
		return new SubscriptionSnapshot(this.id, this.kind, this.stream, this.group, state, this.position,
				this.committed, this.lastError, this.lastErrorAt, this.handled, this.skipped, this.failed, this.nacked,
				this.reconnects, this.filter, this.concurrency, this.inFlight, this.oldestUnfinished,
				this.connectionFailure, ownership, segments);
	}

}
