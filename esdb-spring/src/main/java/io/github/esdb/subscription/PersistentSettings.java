package io.github.esdb.subscription;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a persistent subscription group created by the application, and of this consumer. {@code null}
 * fields keep the server's (or the configured) default.
 *
 * @param maxRetryCount how often the server delivers an event before parking it
 * @param messageTimeout how long the server waits for an ack before retrying
 * @param consumerStrategy how the group spreads events over its consumers
 * @param bufferSize how many unacknowledged events the server sends this consumer at once
 */
public record PersistentSettings(@Nullable Integer maxRetryCount, @Nullable Duration messageTimeout,
		@Nullable ConsumerStrategy consumerStrategy, @Nullable Integer bufferSize) {

	/** All defaults. */
	public static final PersistentSettings DEFAULTS = new PersistentSettings(null, null, null, null);

}
