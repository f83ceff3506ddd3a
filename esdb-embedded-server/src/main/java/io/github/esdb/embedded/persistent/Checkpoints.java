package io.github.esdb.embedded.persistent;


import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamReadResult;

/**
 * Reads and writes a group's checkpoint stream, in the real server's format: {@code $SubscriptionCheckpoint} events
 * whose data is a JSON string, the revision ({@code "5"}) or, for {@code $all}, {@code "C:<commit>/P:<prepare>"}. The
 * stream gets {@code $maxCount: 2} on its first write.
 */
final class Checkpoints {

	static final String CHECKPOINT_TYPE = "$SubscriptionCheckpoint";

	private static final Logger logger = LoggerFactory.getLogger(Checkpoints.class);

	private final EventStore store;

	private final GroupDefinition definition;

	Checkpoints(EventStore store, GroupDefinition definition) {
		this.store = store;
		this.definition = definition;
	}

	/**
	 * The last checkpoint.
	 * @return the group position of the last processed event, or null when none was written
	 */
	Long load() {
		StreamReadResult result = this.store.readStream(this.definition.checkpointStream(), Long.MAX_VALUE, false, 1);
		if (!(result instanceof StreamReadResult.Events events) || events.events().isEmpty()) {
			return null;
		}
		StoredEvent last = events.events().get(0);
		JsonNode node = Json.parse(last.data());
		String text = (node != null && node.isTextual()) ? node.asText() : null;
		if (text == null) {
			logger.warn("Ignoring unreadable checkpoint in {}", this.definition.checkpointStream());
			return null;
		}
		try {
			if (text.startsWith("C:")) {
				return Long.parseLong(text.substring(2, text.indexOf('/')));
			}
			return Long.parseLong(text);
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring unreadable checkpoint '{}' in {}", text, this.definition.checkpointStream());
			return null;
		}
	}

	/**
	 * Writes a checkpoint.
	 * @param position the group position of the last processed event
	 */
	void write(long position) {
		String stream = this.definition.checkpointStream();
		// Only a brand-new stream gets its metadata: rewriting it after a soft delete would drop the $tb that hides
		// the checkpoints of a deleted group with the same name.
		if (this.store.streamInfo(stream).lastRevision() < 0 && !this.store.streamInfo(stream).softDeleted()) {
			SystemStreamWriter.writeMetadata(this.store, stream, Json.object().put("$maxCount", 2));
		}
		SystemStreamWriter.append(this.store, stream, CHECKPOINT_TYPE, true,
				Json.bytes(this.definition.positionText(position)), null);
		logger.debug("Checkpoint {} for {}", position, this.definition.key());
	}

	/** Soft-deletes the checkpoint stream (group deleted). */
	void delete() {
		softDelete(this.store, this.definition.checkpointStream());
	}

	static void softDelete(EventStore store, String stream) {
		if (store.streamInfo(stream).lastRevision() >= 0) {
			store.softDelete(stream, ExpectedRevision.ANY);
		}
	}

}
