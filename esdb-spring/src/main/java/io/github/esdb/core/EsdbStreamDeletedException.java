package io.github.esdb.core;

import org.springframework.dao.InvalidDataAccessResourceUsageException;

/**
 * The stream was deleted for good (tombstoned), or soft-deleted while the write expected it to exist. A tombstoned
 * stream can never be written or read again, so retrying does not help.
 */
public class EsdbStreamDeletedException extends InvalidDataAccessResourceUsageException {

	private final String stream;

	/**
	 * Create the exception.
	 * @param stream the deleted stream, {@code null} if the server did not name it
	 * @param cause the client's exception
	 */
	public EsdbStreamDeletedException(String stream, Throwable cause) {
		super("Stream '" + stream + "' is deleted", cause);
		this.stream = stream;
	}

	/**
	 * The deleted stream.
	 * @return the stream name, or {@code null} if unknown
	 */
	public String getStream() {
		return this.stream;
	}

}
