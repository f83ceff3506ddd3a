package io.github.esdb.serialization;

/**
 * A payload could not be serialized or deserialized.
 */
public class EventSerializationException extends RuntimeException {

	public EventSerializationException(String message, Throwable cause) {
		super(message, cause);
	}

}
