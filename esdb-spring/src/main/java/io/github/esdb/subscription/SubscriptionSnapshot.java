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
 * @param concurrency how many events it handles at once
 * @param inFlight events handed to its partitions and not finished (0 when it handles one at a time)
 * @param oldestUnfinished the oldest event not finished, before which a catch-up checkpoint stays; {@code null} when
 * none
 * @param connectionFailure the last error when it is an authentication or TLS failure (which retrying does not cure),
 * {@code null} when the last error is of another kind or there is none
 */
public record SubscriptionSnapshot(String id, SubscriptionKind kind, String stream, @Nullable String group,
		SubscriptionState state, @Nullable Checkpoint position, @Nullable Checkpoint committed,
		@Nullable String lastError, @Nullable Instant lastErrorAt, long handled, long skipped, long failed, long nacked,
		long reconnects, @Nullable EventFilterSpec filter, int concurrency, int inFlight,
		@Nullable Checkpoint oldestUnfinished, @Nullable ConnectionFailure connectionFailure) {

}
