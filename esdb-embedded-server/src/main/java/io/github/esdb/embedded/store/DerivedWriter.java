package io.github.esdb.embedded.store;

/**
 * Appends a record derived from committed ones (a projection's link, a metadata update of its output stream) while
 * the store's write lock is held. Only valid during the call it was handed to.
 */
@FunctionalInterface
public interface DerivedWriter {

	/**
	 * Appends one event with a new id to a stream, whatever its current revision (a tombstoned stream is skipped).
	 * @param stream the stream
	 * @param type the event type
	 * @param json whether the payload is JSON
	 * @param data the payload
	 * @param metadata the metadata (may be empty)
	 * @return the record written, or null when the stream is tombstoned
	 */
	StoredEvent append(String stream, String type, boolean json, byte[] data, byte[] metadata);

}
