package io.github.esdb.embedded.projections;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.esdb.embedded.store.StoredEvent;

/**
 * A record as the projections see it: the record, and whether it announces the deletion of a stream (a tombstone's
 * {@code $streamDeleted}, or metadata with {@code $tb} at the maximum, i.e. a soft delete), as the real server's
 * {@code StreamDeletedHelper} decides it.
 *
 * @param record the record
 * @param deleted whether it announces a deletion
 * @param deletedStream the stream with a leading {@code $$} cut off (the real helper gives this for every metadata
 * record, deleted or not)
 * @param correlationId the {@code $correlationId} of the record's metadata, which the real node copies onto what it
 * emits; null when none
 */
record SourceRecord(StoredEvent record, boolean deleted, String deletedStream, String correlationId) {

	static SourceRecord of(StoredEvent record, ObjectMapper json) {
		String stream = record.stream();
		String correlationId = correlationId(record.metadata(), json);
		if (stream.startsWith("$$")) {
			boolean deleted = StoredEvent.METADATA_TYPE.equals(record.type()) && softDeleted(record, json);
			return new SourceRecord(record, deleted, stream.substring(2), correlationId);
		}
		return new SourceRecord(record, StoredEvent.STREAM_DELETED_TYPE.equals(record.type()), stream, correlationId);
	}

	private static String correlationId(byte[] metadata, ObjectMapper json) {
		if (metadata.length == 0 || !new String(metadata, StandardCharsets.UTF_8).contains("\"$correlationId\"")) {
			return null;
		}
		try {
			JsonNode value = json.readTree(metadata).get("$correlationId");
			return (value != null && value.isTextual()) ? value.asText() : null;
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static boolean softDeleted(StoredEvent record, ObjectMapper json) {
		try {
			JsonNode tb = json.readTree(record.data()).get("$tb");
			return tb != null && tb.canConvertToLong() && tb.asLong() == Long.MAX_VALUE;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** {@code <revision>@<stream>}: the data of a link to this record's revision in the given stream. */
	String pointer(String stream) {
		return this.record.revision() + "@" + stream;
	}

}
