package io.github.esdb.embedded.grpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;

import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/**
 * Common life cycle of a catch-up subscription: confirmation first, history, {@code caught_up}, then live events,
 * never completed with OK. The subclass reads from the shared log through its own cursor; nothing is copied per
 * subscriber, and a commit only wakes the pump.
 */
abstract class CatchUpSubscription implements ResponsePump.Source<ReadResp> {

	private final String id = UUID.randomUUID().toString();

	/** Messages produced by one scanned record (event, checkpoint) or by catching up; drained one per poll. */
	protected final Deque<ReadResp> pending = new ArrayDeque<>();

	private boolean confirmed;

	private boolean caughtUp;

	private volatile Runnable onClose = () -> {
	};

	/** What to release when the call ends (commit listener, shutdown tracking). */
	void onClose(Runnable onClose) {
		this.onClose = onClose;
	}

	@Override
	public final ReadResp poll() {
		if (!this.confirmed) {
			this.confirmed = true;
			return ReadResp.newBuilder()
				.setConfirmation(ReadResp.SubscriptionConfirmation.newBuilder().setSubscriptionId(this.id))
				.build();
		}
		while (this.pending.isEmpty()) {
			if (!readMore()) {
				if (!this.caughtUp) {
					this.caughtUp = true;
					onCaughtUp();
					continue;
				}
				return null;
			}
		}
		return this.pending.poll();
	}

	/**
	 * Whether the catch-up phase is over (the subscription is live).
	 * @return true after {@code caught_up} was queued
	 */
	protected final boolean live() {
		return this.caughtUp;
	}

	/**
	 * Reads the next records from the cursor into {@link #pending}.
	 * @return false when the cursor is at the end of the log
	 */
	protected abstract boolean readMore();

	/** Queues the messages announcing the end of the catch-up phase. */
	protected abstract void onCaughtUp();

	@Override
	public final boolean complete() {
		return false;
	}

	@Override
	public void closed() {
		this.onClose.run();
	}

	protected static ReadResp.CaughtUp.Builder caughtUpMessage() {
		return ReadResp.CaughtUp.newBuilder().setTimestamp(Messages.now());
	}

}
