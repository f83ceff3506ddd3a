package io.github.esdb.subscription;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How a batch handler's batches are cut: at most {@code size} events, or what arrived within {@code maxWait} of the
 * first one, whichever comes first.
 *
 * @param size the most events in one batch; 0 for the configured default ({@code esdb.subscriptions.batch.size})
 * @param maxWait how long the first event of a batch waits for more; {@code null} for the configured default
 * ({@code esdb.subscriptions.batch.max-wait})
 */
public record BatchSettings(int size, @Nullable Duration maxWait) {

	/** Both settings from the configuration. */
	public static final BatchSettings DEFAULTS = new BatchSettings(0, null);

	public BatchSettings {
		if (size < 0) {
			throw new IllegalArgumentException("A batch size must be at least 1 (or 0 for the default), but is " + size);
		}
		if (maxWait != null && maxWait.isNegative()) {
			throw new IllegalArgumentException("A batch max-wait must not be negative, but is " + maxWait);
		}
	}

}
