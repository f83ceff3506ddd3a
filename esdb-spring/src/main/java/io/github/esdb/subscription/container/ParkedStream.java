package io.github.esdb.subscription.container;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.subscription.ErrorMessages;
import io.github.esdb.subscription.ParkedEvent;

/**
 * A stream of parked events, read and written the way the server keeps a persistent group's parked stream: each
 * entry is a link ({@code $>}, data {@code <revision>@<stream>}) whose metadata says when and why it was parked, and
 * what is no longer parked lies before the stream's truncate-before ({@code $tb}). The server writes a group's
 * entries; a catch-up subscription writes its own dead-letter stream here, with the retry count and the error too.
 */
final class ParkedStream {

	private static final JsonMapper json = new JsonMapper();

	private static final int MAX_ERROR_LENGTH = 500;

	private final KurrentDBClientProvider clients;

	private final String stream;

	private final Duration timeout;

	ParkedStream(KurrentDBClientProvider clients, String stream, Duration timeout) {
		this.clients = clients;
		this.stream = stream;
		this.timeout = timeout;
	}

	/**
	 * The stream's name.
	 * @return the name
	 */
	String name() {
		return this.stream;
	}

	/**
	 * Append an event to this stream, waiting for the server to confirm.
	 * @param event the event to park (not a link to it)
	 * @param reason why
	 * @param error what the handler threw, {@code null} if nothing
	 * @param retries how often it was retried before
	 * @throws Exception if the append failed or timed out
	 */
	void park(RecordedEvent event, String reason, @Nullable Throwable error, int retries) throws Exception {
		Map<String, Object> metadata = new LinkedHashMap<>();
		// The keys the server writes for a persistent group's parked entries, and then ours.
		metadata.put("added", Instant.now().toString());
		metadata.put("reason", ErrorMessages.mask(reason));
		metadata.put("subscriptionEventNumber", event.getRevision());
		metadata.put("retryCount", retries);
		if (error != null) {
			metadata.put("error", describe(error));
		}
		byte[] data = (event.getRevision() + "@" + event.getStreamId()).getBytes(StandardCharsets.UTF_8);
		EventData link = EventData.builderAsBinary("$>", data).metadataAsBytes(json.writeValueAsBytes(metadata)).build();
		await(client().appendToStream(this.stream, link));
	}

	/**
	 * The error as an entry keeps it: class and message, without credentials, cut to a sensible length.
	 */
	static String describe(Throwable error) {
		String message = ErrorMessages.mask(error.getMessage());
		String text = error.getClass().getName() + (message.isEmpty() ? "" : ": " + message);
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) + "..." : text;
	}

	/**
	 * The number of the first entry still parked.
	 * @return the number, -1 when nothing is parked
	 * @throws Exception if the stream could not be read
	 */
	long first() throws Exception {
		List<ResolvedEvent> events = read(ReadStreamOptions.get().forwards().fromStart().maxCount(1).notResolveLinkTos());
		return events.isEmpty() ? -1 : events.get(0).getOriginalEvent().getRevision();
	}

	/**
	 * One after the number of the last entry.
	 * @return the number, 0 for a stream that does not exist
	 * @throws Exception if the stream could not be read
	 */
	long end() throws Exception {
		List<ResolvedEvent> events = read(ReadStreamOptions.get().backwards().fromEnd().maxCount(1).notResolveLinkTos());
		return events.isEmpty() ? 0 : events.get(0).getOriginalEvent().getRevision() + 1;
	}

	/**
	 * Events parked and neither replayed nor purged.
	 * @return the count
	 * @throws Exception if the stream could not be read
	 */
	long count() throws Exception {
		long first = first();
		return (first < 0) ? 0 : Math.max(0, end() - first);
	}

	/**
	 * A page of the parked entries, oldest first.
	 * @param offset how many to pass over
	 * @param limit how many at most
	 * @return the entries
	 * @throws Exception if the stream could not be read
	 */
	List<ParkedEvent> list(int offset, int limit) throws Exception {
		long first = first();
		if (first < 0 || limit <= 0) {
			return List.of();
		}
		return read(first + Math.max(0, offset), limit).stream().map(ParkedStream::toParkedEvent).toList();
	}

	/**
	 * Entries from a number on, with their links resolved.
	 * @param from the first entry's number
	 * @param max how many at most
	 * @return the entries; {@code getEvent()} is {@code null} for one whose event no longer exists
	 * @throws Exception if the stream could not be read
	 */
	List<ResolvedEvent> read(long from, int max) throws Exception {
		return read(ReadStreamOptions.get().forwards().fromRevision(from).maxCount(max).resolveLinkTos());
	}

	/**
	 * Move the truncate-before to an entry number, as the server does after a replay: what lies before it is no
	 * longer parked. The stream's other metadata is kept; the truncate-before never moves back.
	 * @param before the first entry that stays
	 * @throws Exception if the metadata could not be written
	 */
	void truncateBefore(long before) throws Exception {
		StreamMetadata metadata;
		try {
			metadata = await(client().getStreamMetadata(this.stream));
		}
		catch (StreamNotFoundException ex) {
			metadata = new StreamMetadata();
		}
		if (metadata.getTruncateBefore() != null && metadata.getTruncateBefore() >= before) {
			return;
		}
		metadata.setTruncateBefore(before);
		await(client().setStreamMetadata(this.stream, metadata));
	}

	/**
	 * Drop every entry parked now.
	 * @return how many were dropped
	 * @throws Exception if the stream could not be read or its metadata written
	 */
	long purge() throws Exception {
		long first = first();
		if (first < 0) {
			return 0;
		}
		long end = end();
		truncateBefore(end);
		return end - first;
	}

	private List<ResolvedEvent> read(ReadStreamOptions options) throws Exception {
		try {
			ReadResult result = await(client().readStream(this.stream, options));
			return result.getEvents();
		}
		catch (StreamNotFoundException ex) {
			return List.of();
		}
	}

	private KurrentDBClient client() {
		return this.clients.client();
	}

	private <T> T await(CompletableFuture<T> future) throws Exception {
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * An entry as the project describes it, whether the server or a catch-up subscription wrote it.
	 */
	static ParkedEvent toParkedEvent(ResolvedEvent entry) {
		RecordedEvent link = entry.getOriginalEvent();
		// Resolved: the link points at this event; null when the event no longer exists.
		RecordedEvent event = (entry.getLink() != null) ? entry.getEvent() : null;
		String target = new String(link.getEventData(), StandardCharsets.UTF_8);
		String stream = target;
		long revision = -1;
		int at = target.indexOf('@');
		if (at > 0) {
			stream = target.substring(at + 1);
			try {
				revision = Long.parseLong(target.substring(0, at));
			}
			catch (NumberFormatException ex) {
				revision = -1;
			}
		}
		if (event != null) {
			stream = event.getStreamId();
			revision = event.getRevision();
		}
		Map<String, JsonNode> metadata = metadata(link.getUserMetadata());
		String reason = text(metadata.get("reason"));
		Instant parkedAt = instant(text(metadata.get("added")));
		JsonNode retries = metadata.get("retrycount");
		return new ParkedEvent(link.getRevision(), stream, revision,
				(event != null) ? event.getEventType() : null,
				(retries != null && retries.isNumber()) ? retries.asInt() : null, (reason != null) ? reason : "",
				(parkedAt != null) ? parkedAt : link.getCreated(), text(metadata.get("error")));
	}

	/** The metadata by lower-cased key: the server's keys are camel-case, older servers' capitalized. */
	private static Map<String, JsonNode> metadata(byte @Nullable [] bytes) {
		Map<String, JsonNode> fields = new LinkedHashMap<>();
		if (bytes == null || bytes.length == 0) {
			return fields;
		}
		try {
			JsonNode node = json.readTree(bytes);
			if (node != null && node.isObject()) {
				for (Map.Entry<String, JsonNode> field : node.properties()) {
					fields.put(field.getKey().toLowerCase(Locale.ROOT), field.getValue());
				}
			}
		}
		catch (RuntimeException ex) {
			// Not JSON: nothing to tell but the entry itself.
		}
		return fields;
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && !node.isNull()) ? node.asString() : null;
	}

	private static @Nullable Instant instant(@Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return java.time.OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				return Instant.parse(text);
			}
			catch (DateTimeParseException again) {
				return null;
			}
		}
	}

}
