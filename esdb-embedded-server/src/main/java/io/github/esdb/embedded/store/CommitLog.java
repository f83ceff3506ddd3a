package io.github.esdb.embedded.store;

/**
 * The append-only list of records in commit order. Single writer (the store's write lock), lock-free readers: a
 * record is fully written before the volatile size that makes it visible, so a reader that read the size sees it.
 * Chunks avoid copying a huge array on growth; only the small chunk directory is copied.
 */
final class CommitLog {

	private static final int CHUNK_BITS = 14;

	private static final int CHUNK_SIZE = 1 << CHUNK_BITS;

	private static final int CHUNK_MASK = CHUNK_SIZE - 1;

	private volatile StoredEvent[][] chunks = new StoredEvent[16][];

	private volatile int size;

	int size() {
		return this.size;
	}

	/** Caller holds the write lock. */
	void add(StoredEvent event) {
		int index = this.size;
		int chunk = index >>> CHUNK_BITS;
		StoredEvent[][] directory = this.chunks;
		if (chunk >= directory.length) {
			StoredEvent[][] grown = new StoredEvent[directory.length * 2][];
			System.arraycopy(directory, 0, grown, 0, directory.length);
			directory = grown;
			this.chunks = grown;
		}
		if (directory[chunk] == null) {
			directory[chunk] = new StoredEvent[CHUNK_SIZE];
		}
		directory[chunk][index & CHUNK_MASK] = event;
		this.size = index + 1;
	}

	/** The index must be below a size previously read by this thread. */
	StoredEvent get(int index) {
		return this.chunks[index >>> CHUNK_BITS][index & CHUNK_MASK];
	}

}
