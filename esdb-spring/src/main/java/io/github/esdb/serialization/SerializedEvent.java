package io.github.esdb.serialization;

/**
 * A payload in the form it is stored: type name, bytes and content type.
 *
 * @param type the event type name
 * @param data the payload bytes
 * @param contentType {@code application/json} or {@code application/octet-stream}
 */
public record SerializedEvent(String type, byte[] data, String contentType) {

	/** The content type of JSON payloads. */
	public static final String JSON = "application/json";

	/** The content type of binary payloads. */
	public static final String BINARY = "application/octet-stream";

	/**
	 * Whether the payload is JSON.
	 * @return true for {@code application/json}
	 */
	public boolean isJson() {
		return JSON.equals(this.contentType);
	}

}
