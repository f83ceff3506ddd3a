package io.github.esdb.embedded.grpc;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamReadResult;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/**
 * Catch-up subscription to one stream. The cursor is the next revision; a missing stream just waits; a tombstoned
 * stream ends the call with stream-deleted.
 */
final class StreamSubscription extends CatchUpSubscription {

	private static final int BATCH = 64;

	private final EventStore store;

	private final String stream;

	private final LinkResolver resolver;

	private long nextRevision;

	StreamSubscription(EventStore store, String stream, long nextRevision, LinkResolver resolver) {
		this.store = store;
		this.stream = stream;
		this.nextRevision = nextRevision;
		this.resolver = resolver;
	}

	@Override
	protected boolean readMore() {
		StreamReadResult result = this.store.readStream(this.stream, this.nextRevision, true, BATCH);
		if (result instanceof StreamReadResult.Deleted) {
			throw Errors.streamDeleted(this.stream);
		}
		if (!(result instanceof StreamReadResult.Events events) || events.events().isEmpty()) {
			return false;
		}
		for (StoredEvent event : events.events()) {
			this.pending.add(this.resolver.toResponse(event));
			this.nextRevision = event.revision() + 1;
		}
		return true;
	}

	@Override
	protected void onCaughtUp() {
		ReadResp.CaughtUp.Builder caughtUp = caughtUpMessage();
		long last = this.store.streamInfo(this.stream).lastRevision();
		long lastSent = this.nextRevision - 1;
		long revision = Math.max(last, lastSent);
		if (revision >= 0) {
			caughtUp.setStreamRevision(revision);
		}
		this.pending.add(ReadResp.newBuilder().setCaughtUp(caughtUp).build());
	}

}
