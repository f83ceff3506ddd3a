package io.github.esdb.embedded.grpc;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/** Turns a stored record into a read event, resolving {@code $>} links ("rev@stream") when asked. */
final class LinkResolver {

	private final EventStore store;

	private final boolean resolveLinks;

	private final Messages.EventConverter converter;

	LinkResolver(EventStore store, boolean resolveLinks, boolean structuredIds) {
		this.store = store;
		this.resolveLinks = resolveLinks;
		this.converter = new Messages.EventConverter(structuredIds);
	}

	ReadResp toResponse(StoredEvent record) {
		if (!this.resolveLinks || !record.isLink()) {
			return this.converter.event(record, null);
		}
		return this.converter.event(this.store.resolveLink(record).orElse(null), record);
	}

}
