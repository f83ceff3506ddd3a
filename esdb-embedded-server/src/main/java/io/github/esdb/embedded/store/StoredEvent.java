package io.github.esdb.embedded.store;

import java.util.UUID;

/**
 * One committed record of the log. Immutable and shared by every reader: the payload arrays are stored once and
 * must never be modified by callers.
 *
 * @param stream the stream the record belongs to
 * @param revision the event number within its stream ({@link Long#MAX_VALUE} for a tombstone record)
 * @param position the log position; commit and prepare positions are both this value
 * @param idMost most significant bits of the event id
 * @param idLeast least significant bits of the event id
 * @param type the event type
 * @param json whether the event was appended as {@code application/json}
 * @param data the payload bytes
 * @param metadata the user metadata bytes (empty when none)
 * @param created creation time in 100 ns ticks since the Unix epoch
 */
public record StoredEvent(String stream, long revision, long position, long idMost, long idLeast, String type,
		boolean json, byte[] data, byte[] metadata, long created) {

	/** Event type of the link records written by projections ({@code $>}). */
	public static final String LINK_TYPE = "$>";

	/** Event type of the record written by a tombstone. */
	public static final String STREAM_DELETED_TYPE = "$streamDeleted";

	/** Event type of stream metadata records. */
	public static final String METADATA_TYPE = "$metadata";

	/**
	 * The event id.
	 * @return the id as a {@link UUID}
	 */
	public UUID id() {
		return new UUID(this.idMost, this.idLeast);
	}

	/**
	 * The content type the client sees.
	 * @return {@code application/json} or {@code application/octet-stream}
	 */
	public String contentType() {
		return this.json ? "application/json" : "application/octet-stream";
	}

	/**
	 * Whether this is a link ({@code $>}) record pointing at another event.
	 * @return true for links
	 */
	public boolean isLink() {
		return LINK_TYPE.equals(this.type);
	}

	/**
	 * Stored size used for the size limits: data, metadata and type.
	 * @return the size in bytes
	 */
	public int size() {
		return this.data.length + this.metadata.length + this.type.length();
	}

	@Override
	public String toString() {
		return "StoredEvent[" + this.stream + "@" + this.revision + ", position=" + this.position + ", type=" + this.type
				+ "]";
	}

}
