package io.github.esdb.embedded.store;

/** Outcome of appending to one stream. */
public sealed interface AppendResult {

	/**
	 * The events were written (or had already been written with the same ids: an idempotent re-append).
	 *
	 * @param stream the stream
	 * @param currentRevision the revision of the stream's last event after the write, -1 if it has none
	 * @param position the log position of the last written event, -1 if nothing was written
	 */
	record Success(String stream, long currentRevision, long position) implements AppendResult {
	}

	/**
	 * The expected revision did not match.
	 *
	 * @param stream the stream
	 * @param expectedRevision the raw expected revision the caller sent
	 * @param actualRevision the stream's last revision, -1 if it has no events
	 */
	record WrongExpectedVersion(String stream, long expectedRevision, long actualRevision) implements AppendResult {
	}

	/**
	 * The stream is tombstoned, or it is soft-deleted and the caller expected it to exist.
	 *
	 * @param stream the stream
	 * @param tombstoned true when hard deleted
	 */
	record StreamDeleted(String stream, boolean tombstoned) implements AppendResult {
	}

}
