package io.github.esdb.embedded.grpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamReadResult;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/**
 * A finite stream read: stream-not-found, or (first stream position,) events, last stream position, then OK.
 * Pages through the store lazily so a large read never materialises at once.
 */
final class ReadStreamEnumerator implements ResponsePump.Source<ReadResp> {

	private static final int PAGE = 256;

	private final EventStore store;

	private final String stream;

	private final boolean forwards;

	private final LinkResolver resolver;

	private final boolean compatibility;

	private final Deque<ReadResp> pending = new ArrayDeque<>();

	private long remaining;

	/** Next revision to read; for backwards reads Long.MAX_VALUE means "from the end". */
	private long next;

	private boolean started;

	private boolean exhausted;

	private long lastRevision = -1;

	ReadStreamEnumerator(EventStore store, String stream, long fromRevision, boolean forwards, long count,
			LinkResolver resolver, boolean compatibility) {
		this.store = store;
		this.stream = stream;
		this.next = fromRevision;
		this.forwards = forwards;
		this.remaining = count;
		this.resolver = resolver;
		this.compatibility = compatibility;
	}

	@Override
	public ReadResp poll() {
		if (this.pending.isEmpty() && !this.exhausted) {
			fill();
		}
		return this.pending.poll();
	}

	private void fill() {
		if (this.remaining <= 0 || (!this.forwards && this.next < 0)) {
			finish();
			return;
		}
		StreamReadResult result = this.store.readStream(this.stream, this.next, this.forwards,
				Math.min(PAGE, this.remaining));
		if (result instanceof StreamReadResult.Deleted) {
			throw Errors.streamDeleted(this.stream);
		}
		if (result instanceof StreamReadResult.NotFound) {
			if (!this.started) {
				this.pending.add(ReadResp.newBuilder()
					.setStreamNotFound(
							ReadResp.StreamNotFound.newBuilder().setStreamIdentifier(Messages.streamIdentifier(this.stream)))
					.build());
				this.exhausted = true;
			}
			else {
				finish();
			}
			return;
		}
		StreamReadResult.Events events = (StreamReadResult.Events) result;
		List<StoredEvent> page = events.events();
		this.lastRevision = events.lastRevision();
		if (!this.started) {
			this.started = true;
			// Like the real node: an empty first page reports where the stream would continue (its next event
			// number) when that differs from the requested start, e.g. reading past the end or a truncated stream.
			long nextEventNumber = events.lastRevision() + 1;
			if (this.forwards && this.compatibility && page.isEmpty() && this.next != nextEventNumber) {
				this.pending.add(ReadResp.newBuilder().setFirstStreamPosition(nextEventNumber).build());
			}
		}
		for (StoredEvent event : page) {
			this.pending.add(this.resolver.toResponse(event));
		}
		this.remaining -= page.size();
		if (page.isEmpty()) {
			finish();
			return;
		}
		long lastRead = page.get(page.size() - 1).revision();
		this.next = this.forwards ? lastRead + 1 : lastRead - 1;
		if (page.size() < PAGE && this.remaining > 0) {
			finish();
		}
	}

	private void finish() {
		this.exhausted = true;
		if (this.compatibility && this.lastRevision >= 0) {
			this.pending.add(ReadResp.newBuilder().setLastStreamPosition(this.lastRevision).build());
		}
	}

	@Override
	public boolean complete() {
		return true;
	}

}
