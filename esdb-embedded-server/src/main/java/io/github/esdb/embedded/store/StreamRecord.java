package io.github.esdb.embedded.store;

import java.util.Arrays;

/**
 * Per-stream index: the log indexes of the stream's events by revision. Written under the store's write lock and
 * published through the volatile count, like {@link CommitLog}.
 */
final class StreamRecord {

	final String name;

	private int[] logIndexes = new int[4];

	private volatile int count;

	private volatile StreamMetadata metadata;

	private volatile boolean tombstoned;

	StreamRecord(String name) {
		this.name = name;
		this.metadata = name.startsWith("$$") ? StreamMetadata.METASTREAM : StreamMetadata.NONE;
	}

	int count() {
		return this.count;
	}

	long lastRevision() {
		return this.count - 1L;
	}

	void add(int logIndex) {
		int c = this.count;
		if (c == this.logIndexes.length) {
			this.logIndexes = Arrays.copyOf(this.logIndexes, c * 2);
		}
		this.logIndexes[c] = logIndex;
		this.count = c + 1;
	}

	/** Revision must be below a count previously read. */
	int logIndex(long revision) {
		return this.logIndexes[(int) revision];
	}

	StreamMetadata metadata() {
		return this.metadata;
	}

	void metadata(StreamMetadata metadata) {
		this.metadata = metadata;
	}

	boolean tombstoned() {
		return this.tombstoned;
	}

	void tombstone() {
		this.tombstoned = true;
	}

	/** Soft delete is the {@code $tb = Long.MAX_VALUE} marker; a user truncation is not a deletion. */
	boolean softDeleted() {
		Long tb = this.metadata.truncateBefore();
		return tb != null && tb == Long.MAX_VALUE && !this.tombstoned;
	}

}
