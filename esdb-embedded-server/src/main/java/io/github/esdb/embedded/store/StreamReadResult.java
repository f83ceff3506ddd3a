package io.github.esdb.embedded.store;

import java.util.List;

/** Outcome of reading a stream. */
public sealed interface StreamReadResult {

	/** The stream has no visible events: it never existed, or it is soft-deleted. */
	record NotFound() implements StreamReadResult {
	}

	/** The stream is tombstoned. */
	record Deleted() implements StreamReadResult {
	}

	/**
	 * Visible events of the stream.
	 *
	 * @param events the events in read order (shared records, no copies)
	 * @param firstVisibleRevision the first revision not hidden by {@code $tb}, {@code $maxCount} or {@code $maxAge}
	 * @param lastRevision the stream's last revision
	 */
	record Events(List<StoredEvent> events, long firstVisibleRevision, long lastRevision) implements StreamReadResult {
	}

}
