package io.github.esdb.serialization;

/**
 * Turns payload objects into stored events and back. The default uses the application's Jackson {@code JsonMapper}.
 */
public interface EventSerializer {

	/**
	 * Serialize a payload. {@code byte[]} payloads are written as they are, as binary.
	 * @param payload the payload
	 * @return the serialized event with its type name
	 * @throws EventSerializationException if the payload cannot be written
	 */
	SerializedEvent serialize(Object payload);

	/**
	 * Deserialize a stored payload.
	 * @param <T> the payload type
	 * @param eventType the event's type name, for messages
	 * @param data the stored bytes
	 * @param target the class to read into; {@code byte[]} returns the bytes
	 * @return the payload
	 * @throws EventSerializationException if the bytes cannot be read into the class
	 */
	<T> T deserialize(String eventType, byte[] data, Class<T> target);

	/**
	 * Parse event metadata (the user metadata of a stored event) as a JSON object. For the envelopes of delivered and
	 * read events this is called when the metadata map is first used (by a handler, an interceptor or the template
	 * appending on a handler's behalf), on that thread, not for every event: what it throws reaches that caller
	 * (tracing ignores it). Events without metadata bytes get an empty map without a call.
	 * @param metadata the metadata bytes, may be empty
	 * @return the keys and values, empty when there is no metadata or it is not a JSON object
	 */
	java.util.Map<String, Object> readMetadata(byte[] metadata);

	/**
	 * Write event metadata as a JSON object.
	 * @param metadata the keys and values
	 * @return the JSON bytes
	 */
	byte[] writeMetadata(java.util.Map<String, ?> metadata);

}
