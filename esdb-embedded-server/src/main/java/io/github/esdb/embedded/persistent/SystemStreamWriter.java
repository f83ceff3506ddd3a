package io.github.esdb.embedded.persistent;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.embedded.store.AppendResult;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.embedded.store.StoredEvent;

/** Small helpers shared by the classes that keep group state in system streams. */
final class SystemStreamWriter {

	private static final Logger logger = LoggerFactory.getLogger(SystemStreamWriter.class);

	private static final byte[] EMPTY = new byte[0];

	private SystemStreamWriter() {
	}

	/** Appends one event with expected revision Any, logging (not throwing) a failure as the real server does. */
	static AppendResult append(EventStore store, String stream, String type, boolean json, byte[] data,
			byte[] metadata) {
		AppendResult result = store.append(stream, ExpectedRevision.ANY,
				List.of(new ProposedEvent(UUID.randomUUID(), type, json, data, (metadata != null) ? metadata : EMPTY)));
		if (!(result instanceof AppendResult.Success)) {
			logger.warn("Could not write {} to {}: {}", type, stream, result);
		}
		return result;
	}

	/** Writes stream metadata (the {@code $$stream} event) restricted to admins, as the server does for its streams. */
	static void writeMetadata(EventStore store, String stream, ObjectNode metadata) {
		ObjectNode acl = metadata.putObject("$acl");
		acl.put("$r", "$admins");
		acl.put("$w", "$admins");
		acl.put("$d", "$admins");
		acl.put("$mw", "$admins");
		append(store, "$$" + stream, StoredEvent.METADATA_TYPE, true, Json.bytes(metadata), EMPTY);
	}

}
