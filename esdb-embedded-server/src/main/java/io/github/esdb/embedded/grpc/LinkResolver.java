package io.github.esdb.embedded.grpc;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/** Turns a stored record into a read event, resolving {@code $>} links ("rev@stream") when asked. */
final class LinkResolver {

	private final EventStore store;

	private final boolean resolveLinks;

	private final EventConverter converter;

	LinkResolver(EventStore store, boolean resolveLinks, boolean structuredIds) {
		this.store = store;
		this.resolveLinks = resolveLinks;
		this.converter = new EventConverter(structuredIds);
	}

	ReadResp toResponse(StoredEvent record) {
		if (!this.resolveLinks || !record.isLink()) {
			return this.converter.readResponse(record, null);
		}
		return this.converter.readResponse(this.store.resolveLink(record).orElse(null), record);
	}

}
