package io.github.esdb.embedded.store;

/**
 * A snapshot of a stream's state.
 *
 * @param stream the stream name
 * @param lastRevision the last revision written, -1 if none
 * @param tombstoned whether the stream was hard deleted
 * @param softDeleted whether the stream is soft-deleted ({@code $tb} beyond its last event)
 * @param metadata the effective metadata
 */
public record StreamInfo(String stream, long lastRevision, boolean tombstoned, boolean softDeleted,
		StreamMetadata metadata) {

	/**
	 * Whether the stream has events that a read could return.
	 * @return false when absent, soft-deleted or tombstoned
	 */
	public boolean readable() {
		return this.lastRevision >= 0 && !this.tombstoned && !this.softDeleted;
	}

}
