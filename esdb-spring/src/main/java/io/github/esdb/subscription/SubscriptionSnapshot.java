package io.github.esdb.subscription;

import java.time.Instant;

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
 * @param connectionFailure the last error when it is an authentication or TLS failure (which retrying does not cure),
 * {@code null} when the last error is of another kind or there is none
 */
public record SubscriptionSnapshot(String id, SubscriptionKind kind, String stream, String group,
		SubscriptionState state, Checkpoint position, Checkpoint committed, String lastError, Instant lastErrorAt,
		long handled, long skipped, long failed, long nacked, long reconnects, EventFilterSpec filter,
		@Nullable ConnectionFailure connectionFailure) {

	/**
	 * A snapshot whose last error (if any) is not an authentication or TLS failure.
	 * @param id the subscription id
	 * @param kind catch-up or persistent
	 * @param stream the stream or {@code $all}
	 * @param group the persistent group, {@code null} for catch-up
	 * @param state the current state
	 * @param position the last event handled or skipped
	 * @param committed the last checkpoint stored
	 * @param lastError the last error message
	 * @param lastErrorAt when it happened
	 * @param handled events handed to a handler that returned normally
	 * @param skipped events skipped
	 * @param failed handler invocations that threw
	 * @param nacked persistent events negatively acknowledged
	 * @param reconnects resubscriptions after drops
	 * @param filter the server-side filter of a {@code $all} subscription
	 */
	public SubscriptionSnapshot(String id, SubscriptionKind kind, String stream, String group,
			SubscriptionState state, Checkpoint position, Checkpoint committed, String lastError, Instant lastErrorAt,
			long handled, long skipped, long failed, long nacked, long reconnects, EventFilterSpec filter) {
		this(id, kind, stream, group, state, position, committed, lastError, lastErrorAt, handled, skipped, failed,
				nacked, reconnects, filter, null);
	}

}
