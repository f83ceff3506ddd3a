package io.github.esdb.subscription;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a persistent subscription group declared by the application, and of this consumer. {@code null} fields
 * keep the server's (or the configured) default and are not compared with an existing group.
 *
 * @param maxRetryCount how often the server delivers an event before parking it
 * @param messageTimeout how long the server waits for an ack before retrying
 * @param consumerStrategy how the group spreads events over its consumers
 * @param bufferSize how many unacknowledged events the server sends this consumer at once (a consumer setting, not
 * the group's)
 * @param readBatchSize how many events the server reads from the log at once
 * @param liveBufferSize how many live events the server buffers for the group
 * @param historyBufferSize how many events the server buffers while it catches the group up
 * @param checkpointAfter how long the server waits between checkpoints of the group's position
 * @param minCheckpointCount the fewest acked events between two checkpoints
 * @param maxCheckpointCount the most acked events between two checkpoints
 * @param maxSubscriberCount how many consumers the group takes at once (0 for no limit)
 * @param extraStatistics whether the server keeps extra statistics for the group
 */
public record PersistentSettings(@Nullable Integer maxRetryCount, @Nullable Duration messageTimeout,
		@Nullable ConsumerStrategy consumerStrategy, @Nullable Integer bufferSize, @Nullable Integer readBatchSize,
		@Nullable Integer liveBufferSize, @Nullable Integer historyBufferSize, @Nullable Duration checkpointAfter,
		@Nullable Integer minCheckpointCount, @Nullable Integer maxCheckpointCount,
		@Nullable Integer maxSubscriberCount, @Nullable Boolean extraStatistics) {

	/** All defaults. */
	public static final PersistentSettings DEFAULTS = new PersistentSettings(null, null, null, null);

	/**
	 * The most used settings; the others keep their defaults.
	 * @param maxRetryCount how often the server delivers an event before parking it
	 * @param messageTimeout how long the server waits for an ack before retrying
	 * @param consumerStrategy how the group spreads events over its consumers
	 * @param bufferSize how many unacknowledged events the server sends this consumer at once
	 */
	public PersistentSettings(@Nullable Integer maxRetryCount, @Nullable Duration messageTimeout,
			@Nullable ConsumerStrategy consumerStrategy, @Nullable Integer bufferSize) {
		this(maxRetryCount, messageTimeout, consumerStrategy, bufferSize, null, null, null, null, null, null, null,
				null);
	}

}
