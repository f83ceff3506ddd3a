package io.github.esdb.embedded.persistent;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadResp;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * Builds the persistent {@code ReadResp.ReadEvent} like the real server: both {@code event} and {@code link} carry
 * the position of the original record, and {@code retry_count} is always set.
 */
final class ReadEventMapper {

	private final boolean structuredIds;

	ReadEventMapper(boolean structuredIds) {
		this.structuredIds = structuredIds;
	}

	ReadResp toWire(Message message) {
		long position = message.original().position();
		ReadResp.ReadEvent.Builder builder = ReadResp.ReadEvent.newBuilder()
			.setCommitPosition(position)
			.setRetryCount(message.retryCount());
		if (message.event() != null) {
			builder.setEvent(recorded(message.event(), position));
		}
		if (message.link() != null) {
			builder.setLink(recorded(message.link(), position));
		}
		return ReadResp.newBuilder().setEvent(builder).build();
	}

	private ReadResp.ReadEvent.RecordedEvent recorded(StoredEvent event, long position) {
		Shared.UUID.Builder id = Shared.UUID.newBuilder();
		if (this.structuredIds) {
			id.setStructured(Shared.UUID.Structured.newBuilder()
				.setMostSignificantBits(event.idMost())
				.setLeastSignificantBits(event.idLeast()));
		}
		else {
			id.setString(event.id().toString());
		}
		return ReadResp.ReadEvent.RecordedEvent.newBuilder()
			.setId(id)
			.setStreamIdentifier(Shared.StreamIdentifier.newBuilder()
				.setStreamName(ByteString.copyFromUtf8(event.stream())))
			.setStreamRevision(event.revision())
			.setCommitPosition(position)
			.setPreparePosition(position)
			.putMetadata("type", event.type())
			.putMetadata("created", Long.toString(event.created()))
			.putMetadata("content-type", event.contentType())
			// Stored arrays are never modified, so the wire message may share them instead of copying.
			.setCustomMetadata(UnsafeByteOperations.unsafeWrap(event.metadata()))
			.setData(UnsafeByteOperations.unsafeWrap(event.data()))
			.build();
	}

}
