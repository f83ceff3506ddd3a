package io.github.esdb.embedded.grpc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.shared.Shared;

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

}
