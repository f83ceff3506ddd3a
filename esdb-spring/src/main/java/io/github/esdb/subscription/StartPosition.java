package io.github.esdb.subscription;

import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;

/**
 * Where a subscription starts when it has no checkpoint, parsed from {@link EventSubscription#from()}.
 *
 * @param kind start, end, a stream revision or an {@code $all} position
 * @param revision the revision for {@link Kind#REVISION}
 * @param position the position for {@link Kind#POSITION}
 */
public record StartPosition(Kind kind, @Nullable Long revision, @Nullable LogPosition position) {

	/** The kinds of start positions. */
	public enum Kind {

		/** The first event. */
		START,
		/** Only events written from now on. */
		END,
		/** A stream revision. */
		REVISION,
		/** An {@code $all} position. */
		POSITION

	}

	/** From the first event. */
	public static final StartPosition START = new StartPosition(Kind.START, null, null);

	/** From the end. */
	public static final StartPosition END = new StartPosition(Kind.END, null, null);

	/**
	 * Parse a {@code from} value.
	 * @param value {@code start}, {@code end}, a revision such as {@code 42}, or a position such as
	 * {@code C:10/P:10}
	 * @param allStream whether the subscription is to {@code $all}, where a plain number is a commit position
	 * @return the start position
	 * @throws IllegalArgumentException if the value is none of these
	 */
	public static StartPosition parse(String value, boolean allStream) {
		String text = value.trim();
		if (text.equalsIgnoreCase("start")) {
			return START;
		}
		if (text.equalsIgnoreCase("end")) {
			return END;
		}
		try {
			if (text.startsWith("C:") || text.startsWith("c:")) {
				int slash = text.indexOf('/');
				if (slash < 0 || !text.substring(slash + 1).toUpperCase().startsWith("P:")) {
					throw new IllegalArgumentException("'" + value + "' is not a position like C:1234/P:1234");
				}
				long commit = Long.parseLong(text.substring(2, slash));
				long prepare = Long.parseLong(text.substring(slash + 3));
				requireAll(value, allStream);
				return new StartPosition(Kind.POSITION, null, new LogPosition(commit, prepare));
			}
			long number = Long.parseLong(text);
			if (number < 0) {
				throw new IllegalArgumentException("'" + value + "' is negative");
			}
			return allStream ? new StartPosition(Kind.POSITION, null, new LogPosition(number, number))
					: new StartPosition(Kind.REVISION, number, null);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + value
					+ "' is not a start position; use start, end, a stream revision such as 42, or an $all position"
					+ " such as C:1234/P:1234", ex);
		}
	}

	private static void requireAll(String value, boolean allStream) {
		if (!allStream) {
			throw new IllegalArgumentException(
					"'" + value + "' is an $all position, but the subscription is to a stream; use a stream revision");
		}
	}

	/**
	 * A stream revision.
	 * @param revision the revision
	 * @return the start position
	 */
	public static StartPosition revision(long revision) {
		return new StartPosition(Kind.REVISION, revision, null);
	}

	/**
	 * An {@code $all} position.
	 * @param position the position
	 * @return the start position
	 */
	public static StartPosition position(LogPosition position) {
		return new StartPosition(Kind.POSITION, null, position);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case START -> "start";
			case END -> "end";
			case REVISION -> String.valueOf(this.revision);
			case POSITION -> this.position.toString();
		};
	}

}
