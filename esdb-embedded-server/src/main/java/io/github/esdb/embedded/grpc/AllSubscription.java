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

	private static final int BATCH = 64;

	private final EventStore store;

	private final EventFilter filter;

	private final LinkResolver resolver;

	private final long checkpointInterval;

	private long nextPosition;

	private long lastScanned;

	private long lastCheckpoint;

	private long scannedSinceCheckpoint;

	AllSubscription(EventStore store, long nextPosition, EventFilter filter, long checkpointInterval,
			LinkResolver resolver) {
		this.store = store;
		this.nextPosition = nextPosition;
		this.lastScanned = nextPosition - 1;
		this.filter = filter;
		this.checkpointInterval = checkpointInterval;
		this.resolver = resolver;
	}

	@Override
	protected boolean readMore() {
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
			if (this.filter.filtered() && ++this.scannedSinceCheckpoint >= this.checkpointInterval) {
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
