package io.github.esdb.embedded.persistent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamInfo;
import io.github.esdb.embedded.store.StreamReadResult;

/**
 * A group's parked-message stream, as on the real server: each parked event becomes a link ({@code $>}, data
 * {@code <revision>@<stream>}, metadata with the time, reason and event number) in
 * {@code $persistentsubscription-<stream>::<group>-parked}. A replay moves the stream's {@code $tb} past the replayed
 * links, so "parked" always means parked and not yet replayed.
 */
final class ParkedMessages {

	private final EventStore store;

	private final String stream;

	ParkedMessages(EventStore store, String stream) {
		this.store = store;
		this.stream = stream;
	}

	/**
	 * Parks a message.
	 * @param message the message
	 * @param reason why, stored in the link's metadata
	 */
	void park(Message message, String reason) {
		String data;
		if (message.event() == null) {
			// Unresolved link: keep pointing where the original link pointed.
			data = new String(message.link().data(), StandardCharsets.UTF_8);
		}
		else {
			data = message.event().revision() + "@" + message.event().stream();
		}
		// Camel-case keys, as the real server serializes its parked-message metadata.
		byte[] metadata = Json.bytes(Json.object()
			.put("added", Instant.now().toString())
			.put("reason", reason)
			.put("subscriptionEventNumber", message.original().revision()));
		SystemStreamWriter.append(this.store, this.stream, StoredEvent.LINK_TYPE, false,
				data.getBytes(StandardCharsets.UTF_8), metadata);
	}

	/**
	 * Events parked and not yet replayed.
	 * @return the count
	 */
	long count() {
		StreamInfo info = this.store.streamInfo(this.stream);
		long last = info.lastRevision();
		if (last < 0) {
			return 0;
		}
		long truncateBefore = truncateBefore(info);
		return Math.max(0, last - truncateBefore + 1);
	}

	private static long truncateBefore(StreamInfo info) {
		Long tb = info.metadata().truncateBefore();
		return (tb != null) ? tb : 0;
	}

	/**
	 * Takes the parked events with a parked-stream revision below {@code stopAt} out of the parked stream.
	 * @param stopAt exclusive upper bound on parked-stream revisions, {@link Long#MAX_VALUE} for all
	 * @return the messages to redeliver: the original event with the parked link as {@code link}, retry count 0
	 */
	List<Message> replay(long stopAt) {
		StreamInfo info = this.store.streamInfo(this.stream);
		long last = info.lastRevision();
		if (last < 0 || info.tombstoned() || info.softDeleted()) {
			return List.of();
		}
		long end = Math.min(stopAt, last + 1);
		List<Message> messages = new ArrayList<>();
		StreamReadResult result = this.store.readStream(this.stream, 0, true, Long.MAX_VALUE);
		if (result instanceof StreamReadResult.Events events) {
			for (StoredEvent link : events.events()) {
				if (link.revision() >= end) {
					break;
				}
				StoredEvent target = this.store.resolveLink(link).orElse(null);
				// A link whose target is gone cannot be redelivered; the real server drops it the same way.
				if (target != null) {
					messages.add(new Message(target, link, -1, -1, null, 0, false));
				}
			}
		}
		long truncateBefore = truncateBefore(info);
		if (end > truncateBefore) {
			SystemStreamWriter.writeMetadata(this.store, this.stream, Json.object().put("$tb", end));
		}
		return messages;
	}

	/** Soft-deletes the parked stream (group deleted). */
	void delete() {
		Checkpoints.softDelete(this.store, this.stream);
	}

}
