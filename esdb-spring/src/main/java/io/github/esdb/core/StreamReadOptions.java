package io.github.esdb.core;

import io.kurrent.dbclient.Direction;

/**
 * How to read a stream: direction, start revision, limit and link resolution. Start from {@link #forwards()} or
 * {@link #backwards()}.
 *
 * @param direction forwards or backwards
 * @param fromRevision the first revision to read (inclusive), or {@code null} for the start (forwards) or the end
 * (backwards) of the stream
 * @param maxCount the most events to return
 * @param resolveLinks whether link events ({@code $>}, as in {@code $ce-} category streams) are replaced by the
 * events they point to
 */
public record StreamReadOptions(Direction direction, Long fromRevision, long maxCount, boolean resolveLinks) {

	public StreamReadOptions {
		if (direction == null) {
			throw new IllegalArgumentException("A read direction is required");
		}
		if (fromRevision != null && fromRevision < 0) {
			throw new IllegalArgumentException("fromRevision must not be negative, was " + fromRevision);
		}
		if (maxCount < 1) {
			throw new IllegalArgumentException("maxCount must be positive, was " + maxCount);
		}
	}

	/**
	 * Read the whole stream from its first event.
	 * @return forwards from the start, unlimited
	 */
	public static StreamReadOptions forwards() {
		return new StreamReadOptions(Direction.Forwards, null, Long.MAX_VALUE, false);
	}

	/**
	 * Read the whole stream from its last event to its first.
	 * @return backwards from the end, unlimited
	 */
	public static StreamReadOptions backwards() {
		return new StreamReadOptions(Direction.Backwards, null, Long.MAX_VALUE, false);
	}

	/**
	 * Start at a revision (inclusive).
	 * @param revision the first revision to return
	 * @return a copy starting there
	 */
	public StreamReadOptions fromRevision(long revision) {
		return new StreamReadOptions(this.direction, revision, this.maxCount, this.resolveLinks);
	}

	/**
	 * Return at most this many events.
	 * @param limit the maximum
	 * @return a copy with the limit
	 */
	public StreamReadOptions limit(long limit) {
		return new StreamReadOptions(this.direction, this.fromRevision, limit, this.resolveLinks);
	}

	/**
	 * Resolve link events to the events they point to.
	 * @param resolve whether to resolve links
	 * @return a copy with the setting
	 */
	public StreamReadOptions resolveLinks(boolean resolve) {
		return new StreamReadOptions(this.direction, this.fromRevision, this.maxCount, resolve);
	}

}
