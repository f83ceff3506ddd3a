package io.github.esdb.embedded.grpc;

import java.util.List;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/**
 * A finite {@code $all} read: forwards from a position (inclusive) or backwards from before a position, events
 * only, then OK.
 */
final class ReadAllEnumerator implements ResponsePump.Source<ReadResp> {

	private static final int PAGE = 256;

	private final EventStore store;

	private final boolean forwards;

	private final EventFilter filter;

	private final LinkResolver resolver;

	private long remaining;

	/** Forwards: next position to read (inclusive). Backwards: read strictly before this position. */
	private long cursor;

	private List<StoredEvent> page = List.of();

	private int index;

	private boolean exhausted;

	ReadAllEnumerator(EventStore store, long cursor, boolean forwards, long count, EventFilter filter,
			LinkResolver resolver) {
		this.store = store;
		this.cursor = cursor;
		this.forwards = forwards;
		this.remaining = count;
		this.filter = filter;
		this.resolver = resolver;
	}

	@Override
	public ReadResp poll() {
		while (this.remaining > 0) {
			if (this.index == this.page.size()) {
				if (this.exhausted) {
					return null;
				}
				this.page = this.forwards ? this.store.readAllForwards(this.cursor, PAGE)
						: this.store.readAllBackwards(this.cursor, PAGE);
				this.index = 0;
				if (this.page.size() < PAGE) {
					// Reads see the log as it was when they reached its end; later commits are not included.
					this.exhausted = true;
				}
				if (this.page.isEmpty()) {
					return null;
				}
				StoredEvent last = this.page.get(this.page.size() - 1);
				this.cursor = this.forwards ? last.position() + 1 : last.position();
			}
			StoredEvent event = this.page.get(this.index++);
			if (this.filter.test(event)) {
				this.remaining--;
				return this.resolver.toResponse(event);
			}
		}
		return null;
	}

	@Override
	public boolean complete() {
		return true;
	}

}
