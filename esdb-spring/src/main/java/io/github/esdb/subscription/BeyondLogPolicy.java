package io.github.esdb.subscription;

/**
 * What a catch-up subscription does when, at start, its stored checkpoint lies after the end of the log: the
 * database lost events the subscription had handled (an in-memory server started empty while the checkpoints were
 * kept in a relational table, a restored backup older than the checkpoints, a stream deleted and written anew).
 * Waiting would be silent: nothing arrives until the log grows past the checkpoint, and everything before it is
 * never seen.
 */
public enum BeyondLogPolicy {

	/** The subscription fails ({@code FAILED}) with a message naming it and both positions. */
	FAIL,

	/**
	 * The stored checkpoint is forgotten ({@link CheckpointStore#reset}) and the subscription starts from its
	 * {@code from} position (the start by default), with a warning naming both positions.
	 */
	RESET

}
