package io.github.esdb.subscription;

import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;

/**
 * The position of the last event a catch-up subscription is done with: a stream revision for a stream subscription,
 * an {@code $all} position for an {@code $all} subscription. The subscription resumes after it (exclusive).
 *
 * @param revision the stream revision, or {@code null} for an {@code $all} checkpoint
 * @param position the {@code $all} position, or {@code null} for a stream checkpoint
 */
public record Checkpoint(@Nullable Long revision, @Nullable LogPosition position) {

	public Checkpoint {
		if ((revision == null) == (position == null)) {
			throw new IllegalArgumentException("A checkpoint is either a stream revision or an $all position");
		}
	}

	/**
	 * A stream checkpoint.
	 * @param revision the revision of the last handled event
	 * @return the checkpoint
	 */
	public static Checkpoint ofRevision(long revision) {
		return new Checkpoint(revision, null);
	}

	/**
	 * An {@code $all} checkpoint.
	 * @param position the position of the last handled (or scanned) event
	 * @return the checkpoint
	 */
	public static Checkpoint ofPosition(LogPosition position) {
		return new Checkpoint(null, position);
	}

	/**
	 * The checkpoint before the first event: a subscription that resumes after it handles every event, whatever its
	 * {@code from} says. A reset to the start stores it. It is revision {@code -1} for a stream and
	 * {@link LogPosition#START} for {@code $all}, where no event lies.
	 * @param all whether the subscription is to {@code $all}
	 * @return the checkpoint
	 */
	public static Checkpoint beforeFirst(boolean all) {
		return all ? ofPosition(LogPosition.START) : ofRevision(-1);
	}

	/**
	 * Whether this is the checkpoint before the first event.
	 * @return true for revision -1 and for {@link LogPosition#START}
	 */
	public boolean isBeforeFirst() {
		return isPosition() ? LogPosition.START.equals(this.position) : this.revision == -1;
	}

	/**
	 * Whether this is an {@code $all} checkpoint.
	 * @return true when it holds a position
	 */
	public boolean isPosition() {
		return this.position != null;
	}

	/**
	 * Whether this checkpoint is further than another one of the same kind.
	 * @param other the other checkpoint, may be {@code null}
	 * @return true when {@code other} is null or behind this one
	 */
	public boolean isAfter(@Nullable Checkpoint other) {
		if (other == null) {
			return true;
		}
		if (isPosition()) {
			return other.isPosition() && this.position.isAfter(other.position);
		}
		return !other.isPosition() && this.revision > other.revision;
	}

	@Override
	public String toString() {
		return isPosition() ? this.position.toString() : String.valueOf(this.revision);
	}

}
