package io.github.esdb.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based (version 5, SHA-1) event ids for events appended while handling another event. The same handled event,
 * target stream and ordinal always give the same id, so a handler that runs again for a redelivered event appends
 * events the server recognises as already written.
 */
public final class EventIds {

	private EventIds() {
	}

	/**
	 * The id of the {@code ordinal}-th event (0-based) appended to {@code stream} while handling
	 * {@code handledEventId}.
	 * @param handledEventId the id of the event being handled
	 * @param stream the stream appended to
	 * @param ordinal the event's number among those appended to that stream by this handling
	 * @return a version 5 UUID in the handled event's id as namespace
	 */
	public static UUID derived(UUID handledEventId, String stream, long ordinal) {
		// The ordinal is all digits and comes last, so no stream name can make two inputs collide.
		return nameBased(handledEventId, stream + "/" + ordinal);
	}

	/**
	 * An RFC 4122 version 5 UUID.
	 * @param namespace the namespace id
	 * @param name the name within the namespace
	 * @return the UUID
	 */
	public static UUID nameBased(UUID namespace, String name) {
		MessageDigest sha1;
		try {
			sha1 = MessageDigest.getInstance("SHA-1");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("The JVM has no SHA-1, which every Java platform must provide", ex);
		}
		ByteBuffer ns = ByteBuffer.allocate(16);
		ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
		sha1.update(ns.array());
		byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
		hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
		hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
		ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
		return new UUID(bits.getLong(), bits.getLong());
	}

}
