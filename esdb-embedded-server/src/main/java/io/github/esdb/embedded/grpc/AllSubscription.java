package io.github.esdb.embedded.grpc;

import java.util.List;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/**
 * Catch-up subscription to {@code $all}, optionally filtered. The cursor is the next log position. Filtered
 * subscriptions get a checkpoint every {@code interval} scanned records (matched or not), one at the end of the
 * catch-up just before {@code caught_up}, and never one lower than what was already sent.
 */
final class AllSubscription extends CatchUpSubscription {

	/**
	 * When a filtered subscription sends checkpoints, computed like the real node: the interval is
	 * {@code window x multiplier} in unsigned 32-bit arithmetic; catch-up compares the scanned count with it, while
	 * live delivery uses it as a signed int, where -1 means never and any other value below 1 means every record.
	 *
	 * @param catchUp the catch-up interval (0 for none)
	 * @param live the live interval as the real node's int ({@code -1} for none)
	 * @param stalled true when the catch-up never advances (the real node's page reads consider no record)
	 */
	record Checkpoints(long catchUp, int live, boolean stalled) {

		/** Unfiltered: no checkpoints. */
		static final Checkpoints NONE = new Checkpoints(0, -1, false);

		/** A catch-up that never advances: after the confirmation nothing is ever sent. */
		static final Checkpoints STALLED = new Checkpoints(0, -1, true);

		/**
		 * The checkpoints of a filter.
		 * @param window the search window, 1 to 2^32-1
		 * @param multiplier the checkpoint interval multiplier, 1 to 2^32-1
		 * @return the checkpoints, or null when the 32-bit interval is 0
		 */
		static Checkpoints of(long window, long multiplier) {
			long interval = (window * multiplier) & 0xFFFFFFFFL;
			return (interval == 0) ? null : new Checkpoints(interval, (int) interval, false);
		}

		boolean due(long scanned, boolean live) {
			if (!live) {
				return this.catchUp > 0 && scanned >= this.catchUp;
			}
			return this.live != -1 && scanned >= this.live;
		}

	}

	private static final int BATCH = 64;

	private final EventStore store;

	private final EventFilter filter;

	private final LinkResolver resolver;

	private final Checkpoints checkpoints;

	private long nextPosition;

	private long lastScanned;

	private long lastCheckpoint;

	private long scannedSinceCheckpoint;

	AllSubscription(EventStore store, long nextPosition, EventFilter filter, Checkpoints checkpoints,
			LinkResolver resolver) {
		this.store = store;
		this.nextPosition = nextPosition;
		this.lastScanned = nextPosition - 1;
		this.filter = filter;
		this.checkpoints = checkpoints;
		this.resolver = resolver;
	}

	@Override
	protected boolean readMore() {
		if (this.checkpoints.stalled()) {
			return false;
		}
		List<StoredEvent> batch = this.store.readAllForwards(this.nextPosition, BATCH);
		if (batch.isEmpty()) {
			return false;
		}
		for (StoredEvent event : batch) {
			this.nextPosition = event.position() + 1;
			this.lastScanned = event.position();
			if (this.filter.test(event)) {
				this.pending.add(this.resolver.toResponse(event));
			}
			if (this.filter.filtered() && this.checkpoints.due(++this.scannedSinceCheckpoint, live())) {
				checkpoint(event.position());
			}
			if (this.pending.size() >= BATCH) {
				break;
			}
		}
		return true;
	}

	private void checkpoint(long position) {
		this.scannedSinceCheckpoint = 0;
		if (position < this.lastCheckpoint) {
			return;
		}
		this.lastCheckpoint = position;
		this.pending.add(ReadResp.newBuilder()
			.setCheckpoint(ReadResp.Checkpoint.newBuilder()
				.setCommitPosition(position)
				.setPreparePosition(position)
				.setTimestamp(Messages.now()))
			.build());
	}

	@Override
	protected void onCaughtUp() {
		if (this.checkpoints.stalled()) {
			// The real node keeps reading empty pages: no checkpoint, no caught_up, nothing live.
			return;
		}
		if (this.filter.filtered()) {
			checkpoint(Math.max(this.lastScanned, 0));
		}
		ReadResp.CaughtUp.Builder caughtUp = caughtUpMessage();
		long last = Math.max(this.lastScanned, 0);
		if (last > 0) {
			caughtUp.setPosition(ReadResp.Position.newBuilder().setCommitPosition(last).setPreparePosition(last));
		}
		this.pending.add(ReadResp.newBuilder().setCaughtUp(caughtUp).build());
	}

}
