package io.github.esdb.subscription.container;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import io.github.esdb.connection.ConnectionFailure;

/**
 * What one subscription counted since its container was created, and its last error: the numbers of its snapshot.
 * Written by the container's parts on the worker (and, for partitioned work, other) threads; read by anyone.
 */
final class SubscriptionStatistics {

	private final LongAdder handled = new LongAdder();

	private final LongAdder skipped = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder nacked = new LongAdder();

	private final LongAdder reconnects = new LongAdder();

	private volatile @Nullable LastError lastError;

	/**
	 * The last error.
	 * @param message what to show: the failure's message for an authentication or TLS failure, else the exception
	 * @param at when it happened
	 * @param connectionFailure set when it is an authentication or TLS failure
	 */
	record LastError(String message, Instant at, @Nullable ConnectionFailure connectionFailure) {
	}

	void handled() {
		this.handled.increment();
	}

	void skipped() {
		this.skipped.increment();
	}

	void failed() {
		this.failed.increment();
	}

	void nacked() {
		this.nacked.increment();
	}

	void reconnected() {
		this.reconnects.increment();
	}

	void error(Throwable error) {
		error(error, null);
	}

	/**
	 * Record an error, which for a connection error may be a misconfiguration.
	 * @param error the error
	 * @param connectionFailure what it means when it is an authentication or TLS failure, else {@code null}
	 */
	void error(Throwable error, @Nullable ConnectionFailure connectionFailure) {
		String message = (connectionFailure != null) ? connectionFailure.message()
				: error.getClass().getSimpleName() + ": " + error.getMessage();
		this.lastError = new LastError(message, Instant.now(), connectionFailure);
	}

	long handledCount() {
		return this.handled.sum();
	}

	long skippedCount() {
		return this.skipped.sum();
	}

	long failedCount() {
		return this.failed.sum();
	}

	long nackedCount() {
		return this.nacked.sum();
	}

	long reconnectCount() {
		return this.reconnects.sum();
	}

	@Nullable LastError lastError() {
		return this.lastError;
	}

}
