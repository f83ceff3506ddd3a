package io.github.esdb.subscription;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;

/**
 * Where a subscription starts when it has no checkpoint, parsed from {@link EventSubscription#from()}, or where
 * {@link SubscriptionRegistry#reset a reset} moves a catch-up subscription to, parsed by {@link #parseTarget}. A
 * point in time ({@link #time}) is a reset target only.
 *
 * @param kind start, end, a stream revision, an {@code $all} position or a point in time
 * @param revision the revision for {@link Kind#REVISION}
 * @param position the position for {@link Kind#POSITION}
 * @param time the point in time for {@link Kind#TIME}
 */
public record StartPosition(Kind kind, @Nullable Long revision, @Nullable LogPosition position,
		@Nullable Instant time) {

	/** The kinds of start positions. */
	public enum Kind {

		/** The first event. */
		START,
		/** Only events written from now on. */
		END,
		/** A stream revision. */
		REVISION,
		/** An {@code $all} position. */
		POSITION,
		/** A point in time: the first event created at or after it (a reset target only). */
		TIME

	}

	/** From the first event. */
	public static final StartPosition START = new StartPosition(Kind.START, null, null);

	/** From the end. */
	public static final StartPosition END = new StartPosition(Kind.END, null, null);

	/**
	 * A start position other than a point in time.
	 * @param kind start, end, a stream revision or an {@code $all} position
	 * @param revision the revision for {@link Kind#REVISION}
	 * @param position the position for {@link Kind#POSITION}
	 */
	public StartPosition(Kind kind, @Nullable Long revision, @Nullable LogPosition position) {
		this(kind, revision, position, null);
	}

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

	/**
	 * Parse a reset target: what {@link #parse} accepts, plus {@code revision:42}, {@code position:C:1234/P:1234}
	 * (or {@code position:1234}, a commit position) and an ISO-8601 point in time such as
	 * {@code 2026-11-26T08:00:00Z} (or with an offset, {@code 2026-11-26T09:00:00+01:00}). A plain number is a
	 * stream revision for a subscription to a stream and a commit position for a subscription to {@code $all}.
	 * @param value the target
	 * @param allStream whether the subscription is to {@code $all}
	 * @return the target
	 * @throws IllegalArgumentException if the value is none of these, or a revision for {@code $all} or a position
	 * for a stream
	 */
	public static StartPosition parseTarget(String value, boolean allStream) {
		String text = value.trim();
		if (text.regionMatches(true, 0, "revision:", 0, 9)) {
			if (allStream) {
				throw new IllegalArgumentException("'" + value + "' is a stream revision, but the subscription is to "
						+ "$all; use position:C:1234/P:1234, a time, start or end");
			}
			StartPosition parsed = parse(text.substring(9), false);
			if (parsed.kind() != Kind.REVISION) {
				throw new IllegalArgumentException("'" + value + "' is not a revision such as revision:42");
			}
			return parsed;
		}
		if (text.regionMatches(true, 0, "position:", 0, 9)) {
			requireAll(value, allStream);
			StartPosition parsed = parse(text.substring(9), true);
			if (parsed.kind() != Kind.POSITION) {
				throw new IllegalArgumentException("'" + value + "' is not a position such as position:C:1234/P:1234");
			}
			return parsed;
		}
		if (text.length() > 10 && text.charAt(4) == '-' && text.indexOf('T') > 0) {
			try {
				return time(OffsetDateTime.parse(text).toInstant());
			}
			catch (DateTimeParseException ex) {
				throw new IllegalArgumentException("'" + value + "' is not an ISO-8601 time with an offset, such as "
						+ "2026-11-26T08:00:00Z", ex);
			}
		}
		return parse(text, allStream);
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

	/**
	 * A point in time, for a reset: the first event created at or after it.
	 * @param time the point in time
	 * @return the target
	 */
	public static StartPosition time(Instant time) {
		return new StartPosition(Kind.TIME, null, null, time);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case START -> "start";
			case END -> "end";
			case REVISION -> String.valueOf(this.revision);
			case POSITION -> this.position.toString();
			case TIME -> this.time.toString();
		};
	}

}
