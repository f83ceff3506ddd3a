package io.github.esdb.subscription;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event a subscription moved aside: a catch-up subscription's into its dead-letter stream
 * ({@code $esdb-parked-<id>}), a persistent group's into the server's parked stream. Listed by
 * {@link SubscriptionRegistry#parked(String, int, int)}.
 *
 * @param sequence the entry's number in the parked stream (what a replay or purge moves past)
 * @param stream the stream the event was written to
 * @param revision the event's revision in that stream
 * @param eventType the event's type, {@code null} when the event no longer exists
 * @param retryCount how often it was retried before it was parked, {@code null} when unknown (the server does not
 * record it for a persistent group)
 * @param reason why it was parked
 * @param parkedAt when it was parked, {@code null} when unknown
 * @param error the error's class and message, {@code null} when unknown
 */
public record ParkedEvent(long sequence, String stream, long revision, @Nullable String eventType,
		@Nullable Integer retryCount, String reason, @Nullable Instant parkedAt, @Nullable String error) {

}
