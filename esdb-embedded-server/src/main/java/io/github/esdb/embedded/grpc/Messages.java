package io.github.esdb.embedded.grpc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;

/**
 * Conversions between protocol messages and store values. The public helpers decode stream names and ids the way
 * every service must (strict UTF-8, INVALID_ARGUMENT otherwise).
 */
public final class Messages {

	private Messages() {
	}

	/**
	 * Decodes a stream name strictly: a name that is not valid UTF-8 is a bad request, not a new stream.
	 * @param identifier the wire identifier
	 * @return the name
	 * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when empty or not UTF-8
	 */
	public static String streamName(Shared.StreamIdentifier identifier) {
		if (identifier == null || identifier.getStreamName().isEmpty()) {
			throw Errors.invalidArgument("A stream name is required.");
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(identifier.getStreamName().toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw Errors.invalidArgument("The stream name is not valid UTF-8.");
		}
	}

	/**
	 * Encodes a stream name.
	 * @param stream the name
	 * @return the wire identifier
	 */
	public static Shared.StreamIdentifier streamIdentifier(String stream) {
		return Shared.StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)).build();
	}

	/**
	 * Decodes a structured or string UUID.
	 * @param id the wire id
	 * @return the UUID
	 * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when missing or malformed
	 */
	public static UUID uuid(Shared.UUID id) {
		switch (id.getValueCase()) {
			case STRUCTURED:
				return new UUID(id.getStructured().getMostSignificantBits(),
						id.getStructured().getLeastSignificantBits());
			case STRING:
				try {
					return UUID.fromString(id.getString());
				}
				catch (IllegalArgumentException ex) {
					throw Errors.invalidArgument("Invalid event id '" + id.getString() + "'.");
				}
			default:
				throw Errors.invalidArgument("An event id is required.");
		}
	}

	/**
	 * The three metadata entries a real node puts on every recorded event: {@code type}, {@code created} (100 ns
	 * ticks since the Unix epoch, decimal) and {@code content-type}.
	 * @param event the stored event
	 * @return the map for {@code RecordedEvent.metadata}
	 */
	public static java.util.Map<String, String> systemMetadata(StoredEvent event) {
		return java.util.Map.of("type", event.type(), "created", Long.toString(event.created()), "content-type",
				event.contentType());
	}

	/**
	 * Whether a record of this stream is visible in {@code $all} reads and subscriptions (the real node's default
	 * filter hides {@code $epoch-information} and the {@code $all} persistent-subscription checkpoint and parked
	 * streams).
	 * @param stream the stream name
	 * @return true when visible
	 */
	public static boolean visibleInAll(String stream) {
		return EventFilter.defaultAllowed(stream);
	}

	static Timestamp now() {
		Instant now = Instant.now();
		return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
	}

	/** Converts stored records to wire messages; the caller says whether ids go out structured or as strings. */
	static final class EventConverter {

		private final boolean structuredIds;

		/** Reads and subscriptions hit few streams in a row; re-encoding the name for every event is wasted work. */
		private final java.util.Map<String, Shared.StreamIdentifier> identifiers = new java.util.HashMap<>();

		EventConverter(boolean structuredIds) {
			this.structuredIds = structuredIds;
		}

		ReadResp.ReadEvent.RecordedEvent recorded(StoredEvent event) {
			Shared.UUID id;
			if (this.structuredIds) {
				id = Shared.UUID.newBuilder()
					.setStructured(Shared.UUID.Structured.newBuilder()
						.setMostSignificantBits(event.idMost())
						.setLeastSignificantBits(event.idLeast()))
					.build();
			}
			else {
				id = Shared.UUID.newBuilder().setString(event.id().toString()).build();
			}
			return ReadResp.ReadEvent.RecordedEvent.newBuilder()
				.setId(id)
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

		private Shared.StreamIdentifier identifier(String stream) {
			Shared.StreamIdentifier identifier = this.identifiers.get(stream);
			if (identifier == null) {
				if (this.identifiers.size() >= 1024) {
					this.identifiers.clear();
				}
				identifier = streamIdentifier(stream);
				this.identifiers.put(stream, identifier);
			}
			return identifier;
		}

		/**
		 * A read event; {@code link} is the original record when {@code event} is its resolved target (or null when
		 * the target is gone).
		 */
		ReadResp event(StoredEvent event, StoredEvent link) {
			ReadResp.ReadEvent.Builder builder = ReadResp.ReadEvent.newBuilder();
			if (link != null) {
				builder.setLink(recorded(link)).setCommitPosition(link.position());
				if (event != null) {
					builder.setEvent(recorded(event));
				}
			}
			else {
				builder.setEvent(recorded(event)).setCommitPosition(event.position());
			}
			return ReadResp.newBuilder().setEvent(builder).build();
		}

	}

}
