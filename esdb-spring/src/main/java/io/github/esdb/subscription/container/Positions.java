package io.github.esdb.subscription.container;

import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;

/**
 * An event's position as two numbers: a stream revision (the second is 0), or the commit and prepare positions in
 * {@code $all}, which are unsigned. What a subscription handling one event at a time compares and keeps for each
 * event, so that it makes no {@link Checkpoint} (two objects) per event, only when one is stored or shown.
 */
final class Positions {

	private Positions() {
	}

	/**
	 * The checkpoint of a position.
	 * @param inAll whether it is a position in {@code $all}
	 * @param first the revision, or the commit position
	 * @param second 0, or the prepare position
	 * @return the checkpoint
	 */
	static Checkpoint toCheckpoint(boolean inAll, long first, long second) {
		return inAll ? Checkpoint.ofPosition(new LogPosition(first, second)) : Checkpoint.ofRevision(first);
	}

	/**
	 * {@link Checkpoint#isAfter} for a position given as numbers.
	 * @param inAll whether it is a position in {@code $all}
	 * @param first the revision, or the commit position
	 * @param second 0, or the prepare position
	 * @param other the checkpoint to compare with, {@code null} before the first
	 * @return true when the position comes after {@code other}; false for a checkpoint of the other kind
	 */
	static boolean isAfter(boolean inAll, long first, long second, @Nullable Checkpoint other) {
		if (other == null) {
			return true;
		}
		if (inAll) {
			LogPosition position = other.position();
			return position != null && isAfter(true, first, second, position.commit(), position.prepare());
		}
		Long revision = other.revision();
		return revision != null && first > revision;
	}

	/**
	 * Whether a position comes after another of the same kind.
	 * @param inAll whether both are positions in {@code $all}
	 * @param first the revision, or the commit position
	 * @param second 0, or the prepare position
	 * @param otherFirst the other's revision, or commit position
	 * @param otherSecond 0, or the other's prepare position
	 * @return true when the first comes later
	 */
	static boolean isAfter(boolean inAll, long first, long second, long otherFirst, long otherSecond) {
		if (!inAll) {
			return first > otherFirst;
		}
		// As LogPosition orders them: by commit, then by prepare, both unsigned.
		int byCommit = Long.compareUnsigned(first, otherFirst);
		return byCommit > 0 || (byCommit == 0 && Long.compareUnsigned(second, otherSecond) > 0);
	}

}
