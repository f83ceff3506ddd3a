package io.github.esdb.embedded.store;

import java.util.UUID;

/**
 * An event to append.
 *
 * @param id the event id, used for idempotent re-appends
 * @param type the event type
 * @param json whether the payload is JSON ({@code application/json})
 * @param data the payload, stored as given (not copied)
 * @param metadata the user metadata, stored as given (may be empty, never null)
 */
public record ProposedEvent(UUID id, String type, boolean json, byte[] data, byte[] metadata) {

	/**
	 * Size counted against the append limits: data, metadata and type.
	 * @return the size in bytes
	 */
	public int size() {
		return this.data.length + this.metadata.length + this.type.length();
	}

}
