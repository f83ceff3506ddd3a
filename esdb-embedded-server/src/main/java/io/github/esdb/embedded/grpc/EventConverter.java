package io.github.esdb.embedded.grpc;

import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.UnsafeByteOperations;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass;

/**
 * Builds the {@code ReadEvent} / {@code RecordedEvent} messages of Streams reads and subscriptions and of persistent
 * subscription reads from stored records. The caller says whether ids go out structured or as strings.
 * <p>
 * Not thread-safe: use one converter per call, from one thread at a time.
 */
public final class EventConverter {

	private final boolean structuredIds;

	/** Reads and subscriptions hit few streams in a row; re-encoding the name for every event is wasted work. */
	private final Map<String, Shared.StreamIdentifier> identifiers = new HashMap<>();

	/**
	 * Creates a converter.
	 * @param structuredIds true to send ids as two longs, false as strings
	 */
	public EventConverter(boolean structuredIds) {
		this.structuredIds = structuredIds;
	}

	/**
	 * A Streams read event; {@code link} is the original record when {@code event} is its resolved target (or null
	 * when the target is gone). Each record carries its own position.
	 */
	StreamsOuterClass.ReadResp readResponse(StoredEvent event, StoredEvent link) {
		StreamsOuterClass.ReadResp.ReadEvent.Builder builder = StreamsOuterClass.ReadResp.ReadEvent.newBuilder();
		if (link != null) {
			builder.setLink(recorded(link)).setCommitPosition(link.position());
			if (event != null) {
				builder.setEvent(recorded(event));
			}
		}
		else {
			builder.setEvent(recorded(event)).setCommitPosition(event.position());
		}
		return StreamsOuterClass.ReadResp.newBuilder().setEvent(builder).build();
	}

	/**
	 * A persistent subscription read event, like the real server's: both {@code event} and {@code link} carry the
	 * position of the original record, and {@code retry_count} is always set.
	 * @param event the event, or null for a link whose target is gone
	 * @param link the link the event was resolved from, or null
	 * @param position the position of the original record (the link when there is one)
	 * @param retryCount how many times the event was retried
	 * @return the response
	 */
	public Persistent.ReadResp persistentReadResponse(StoredEvent event, StoredEvent link, long position,
			int retryCount) {
		Persistent.ReadResp.ReadEvent.Builder builder = Persistent.ReadResp.ReadEvent.newBuilder()
			.setCommitPosition(position)
			.setRetryCount(retryCount);
		if (event != null) {
			builder.setEvent(persistentRecorded(event, position));
		}
		if (link != null) {
			builder.setLink(persistentRecorded(link, position));
		}
		return Persistent.ReadResp.newBuilder().setEvent(builder).build();
	}

	private StreamsOuterClass.ReadResp.ReadEvent.RecordedEvent recorded(StoredEvent event) {
		// Stored arrays are never modified, so the wire message may share them instead of copying.
		return StreamsOuterClass.ReadResp.ReadEvent.RecordedEvent.newBuilder()
			.setId(id(event))
			.setStreamIdentifier(identifier(event.stream()))
			.setStreamRevision(event.revision())
			.setCommitPosition(event.position())
			.setPreparePosition(event.position())
			.putMetadata("type", event.type())
			.putMetadata("created", Long.toString(event.created()))
			.putMetadata("content-type", event.contentType())
			.setCustomMetadata(UnsafeByteOperations.unsafeWrap(event.metadata()))
			.setData(UnsafeByteOperations.unsafeWrap(event.data()))
			.build();
	}

	/** The same fields as {@link #recorded}, in the persistent service's own (identical) message type. */
	private Persistent.ReadResp.ReadEvent.RecordedEvent persistentRecorded(StoredEvent event, long position) {
		return Persistent.ReadResp.ReadEvent.RecordedEvent.newBuilder()
			.setId(id(event))
			.setStreamIdentifier(identifier(event.stream()))
			.setStreamRevision(event.revision())
			.setCommitPosition(position)
			.setPreparePosition(position)
			.putMetadata("type", event.type())
			.putMetadata("created", Long.toString(event.created()))
			.putMetadata("content-type", event.contentType())
			.setCustomMetadata(UnsafeByteOperations.unsafeWrap(event.metadata()))
			.setData(UnsafeByteOperations.unsafeWrap(event.data()))
			.build();
	}

	private Shared.UUID id(StoredEvent event) {
		if (this.structuredIds) {
			return Shared.UUID.newBuilder()
				.setStructured(Shared.UUID.Structured.newBuilder()
					.setMostSignificantBits(event.idMost())
					.setLeastSignificantBits(event.idLeast()))
				.build();
		}
		return Shared.UUID.newBuilder().setString(event.id().toString()).build();
	}

	private Shared.StreamIdentifier identifier(String stream) {
		Shared.StreamIdentifier identifier = this.identifiers.get(stream);
		if (identifier == null) {
			if (this.identifiers.size() >= 1024) {
				this.identifiers.clear();
			}
			identifier = Messages.streamIdentifier(stream);
			this.identifiers.put(stream, identifier);
		}
		return identifier;
	}

}
