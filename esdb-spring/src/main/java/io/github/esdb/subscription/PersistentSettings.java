package io.github.esdb.subscription;

import java.time.Duration;

/**
 * Settings of a persistent subscription group created by the application, and of this consumer. {@code null}
 * fields keep the server's (or the configured) default.
 *
 * @param maxRetryCount how often the server delivers an event before parking it
 * @param messageTimeout how long the server waits for an ack before retrying
 * @param consumerStrategy {@code RoundRobin}, {@code DispatchToSingle} or {@code Pinned}
 * @param bufferSize how many unacknowledged events the server sends this consumer at once
 */
public record PersistentSettings(Integer maxRetryCount, Duration messageTimeout, String consumerStrategy,
		Integer bufferSize) {

	/** All defaults. */
	public static final PersistentSettings DEFAULTS = new PersistentSettings(null, null, null, null);

}
