package io.github.esdb.subscription;

import org.jspecify.annotations.Nullable;

/**
 * A catch-up subscription's stored checkpoint lies after the end of the log, and
 * {@code esdb.subscriptions.checkpoint.beyond-log} is {@code fail}: the subscription goes {@code FAILED} rather than
 * wait, silently, for the log to grow past it.
 */
public class CheckpointBeyondLogException extends IllegalStateException {

	private final String subscriptionId;

	private final Checkpoint checkpoint;

	private final @Nullable Checkpoint end;

	/**
	 * Create the exception.
	 * @param subscriptionId the subscription
	 * @param checkpoint its stored checkpoint
	 * @param end the last position of its stream or of {@code $all}, {@code null} when it holds no event
	 * @param where the stream, or {@code $all}, for the message
	 */
	public CheckpointBeyondLogException(String subscriptionId, Checkpoint checkpoint, @Nullable Checkpoint end,
			String where) {
		super("Subscription '" + subscriptionId + "' has the stored checkpoint " + checkpoint + ", after the end of "
				+ ((end != null) ? where + " at " + end : where + ", which holds no event") + ": the database lost "
				+ "events this subscription had handled (an in-memory server started empty while the checkpoints were "
				+ "kept, or a restored backup older than the checkpoints). Set esdb.subscriptions.checkpoint.beyond-log"
				+ "=reset to forget the checkpoint and start from the subscription's 'from' position, or delete or "
				+ "correct the checkpoint and restart the subscription");
		this.subscriptionId = subscriptionId;
		this.checkpoint = checkpoint;
		this.end = end;
	}

	/**
	 * The subscription.
	 * @return its id
	 */
	public String getSubscriptionId() {
		return this.subscriptionId;
	}

	/**
	 * The stored checkpoint.
	 * @return the checkpoint
	 */
	public Checkpoint getCheckpoint() {
		return this.checkpoint;
	}

	/**
	 * The end of the log the subscription reads.
	 * @return the last position, {@code null} when it holds no event
	 */
	public @Nullable Checkpoint getEnd() {
		return this.end;
	}

}
