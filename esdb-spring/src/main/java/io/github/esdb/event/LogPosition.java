package io.github.esdb.event;

import io.kurrent.dbclient.Position;

/**
 * A position in the log of all events ({@code $all}): the commit and prepare positions KurrentDB gives every event.
 * This is the project's own type for what users persist (checkpoints) and read (event contexts), so that stored
 * positions do not depend on a client version; {@link #fromClient} and {@link #toClient} bridge to the official
 * client's {@link Position} for code that calls the client directly.
 *
 * @param commit the commit position (unsigned)
 * @param prepare the prepare position (unsigned)
 */
public record LogPosition(long commit, long prepare) implements Comparable<LogPosition> {

	/** The position before the first event. */
	public static final LogPosition START = new LogPosition(0, 0);

	/**
	 * A position.
	 * @param commit the commit position
	 * @param prepare the prepare position
	 * @return the position
	 */
	public static LogPosition of(long commit, long prepare) {
		return new LogPosition(commit, prepare);
	}

	/**
	 * Parse the form {@link #toString()} writes, {@code C:1234/P:1234}.
	 * @param text the text
	 * @return the position
	 * @throws IllegalArgumentException if the text is not such a position
	 */
	public static LogPosition parse(String text) {
		String value = text.trim();
		int slash = value.indexOf('/');
		if (!value.regionMatches(true, 0, "C:", 0, 2) || slash < 0
				|| !value.regionMatches(true, slash + 1, "P:", 0, 2)) {
			throw new IllegalArgumentException("'" + text + "' is not a position like C:1234/P:1234");
		}
		try {
			return new LogPosition(Long.parseUnsignedLong(value.substring(2, slash)),
					Long.parseUnsignedLong(value.substring(slash + 3)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a position like C:1234/P:1234", ex);
		}
	}

	/**
	 * The project's position for the client's.
	 * @param position the client's position
	 * @return the position
	 */
	public static LogPosition fromClient(Position position) {
		return new LogPosition(position.getCommitUnsigned(), position.getPrepareUnsigned());
	}

	/**
	 * The client's position for this one.
	 * @return the client's position
	 */
	public Position toClient() {
		return new Position(this.commit, this.prepare);
	}

	/**
	 * Whether this position is further in the log than another.
	 * @param other the other position
	 * @return true when this one comes later
	 */
	public boolean isAfter(LogPosition other) {
		return compareTo(other) > 0;
	}

	@Override
	public int compareTo(LogPosition other) {
		int byCommit = Long.compareUnsigned(this.commit, other.commit);
		return (byCommit != 0) ? byCommit : Long.compareUnsigned(this.prepare, other.prepare);
	}

	@Override
	public String toString() {
		return "C:" + Long.toUnsignedString(this.commit) + "/P:" + Long.toUnsignedString(this.prepare);
	}

}
