package io.github.esdb.core;

import io.kurrent.dbclient.Direction;
import io.kurrent.dbclient.Position;

/**
 * How to read {@code $all}: direction, start position, limit and link resolution. Start from {@link #forwards()} or
 * {@link #backwards()}.
 *
 * @param direction forwards or backwards
 * @param fromPosition where to start (forwards: inclusive), or {@code null} for the start (forwards) or the end
 * (backwards) of the log
 * @param maxCount the most events to scan, before filtering by payload type
 * @param resolveLinks whether link events are replaced by the events they point to
 */
public record AllReadOptions(Direction direction, Position fromPosition, long maxCount, boolean resolveLinks) {

	public AllReadOptions {
		if (direction == null) {
			throw new IllegalArgumentException("A read direction is required");
		}
		if (maxCount < 1) {
			throw new IllegalArgumentException("maxCount must be positive, was " + maxCount);
		}
	}

	/**
	 * Read the log from its start.
	 * @return forwards from the start, unlimited
	 */
	public static AllReadOptions forwards() {
		return new AllReadOptions(Direction.Forwards, null, Long.MAX_VALUE, false);
	}

	/**
	 * Read the log from its end.
	 * @return backwards from the end, unlimited
	 */
	public static AllReadOptions backwards() {
		return new AllReadOptions(Direction.Backwards, null, Long.MAX_VALUE, false);
	}

	/**
	 * Start at a position.
	 * @param position the position, for example an {@link AppendResult#logPosition()}
	 * @return a copy starting there
	 */
	public AllReadOptions fromPosition(Position position) {
		return new AllReadOptions(this.direction, position, this.maxCount, this.resolveLinks);
	}

	/**
	 * Scan at most this many events.
	 * @param limit the maximum
	 * @return a copy with the limit
	 */
	public AllReadOptions limit(long limit) {
		return new AllReadOptions(this.direction, this.fromPosition, limit, this.resolveLinks);
	}

	/**
	 * Resolve link events to the events they point to.
	 * @param resolve whether to resolve links
	 * @return a copy with the setting
	 */
	public AllReadOptions resolveLinks(boolean resolve) {
		return new AllReadOptions(this.direction, this.fromPosition, this.maxCount, resolve);
	}

}
