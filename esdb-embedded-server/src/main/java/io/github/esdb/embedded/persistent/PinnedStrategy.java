package io.github.esdb.embedded.persistent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.esdb.embedded.store.StoredEvent;

/**
 * Pins a source (the event's stream, or for PinnedByCorrelation its {@code $correlationId}) to one subscriber, so
 * one consumer sees all events of a stream in order. Sources hash into a fixed number of buckets; a bucket is
 * assigned on first use to the subscriber owning the fewest buckets and re-assigned when its owner leaves. When the
 * owner is full the message is skipped (it waits in the retry buffer), as on the real server.
 */
final class PinnedStrategy implements ConsumerStrategy {

	private static final int BUCKETS = 1024;

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final byte[] CORRELATION_KEY = "$correlationId".getBytes(StandardCharsets.UTF_8);

	private final boolean byCorrelation;

	private final SubscriberConnection[] owners = new SubscriberConnection[BUCKETS];

	private final Map<SubscriberConnection, Integer> bucketCounts = new HashMap<>();

	PinnedStrategy(boolean byCorrelation) {
		this.byCorrelation = byCorrelation;
	}

	@Override
	public Choice choose(Message message, List<SubscriberConnection> subscribers) {
		if (subscribers.isEmpty()) {
			return Choice.NO_CAPACITY;
		}
		int bucket = Math.floorMod(spread(source(message).hashCode()), BUCKETS);
		SubscriberConnection owner = this.owners[bucket];
		if (owner == null || !subscribers.contains(owner)) {
			owner = leastLoaded(subscribers);
			this.owners[bucket] = owner;
			this.bucketCounts.merge(owner, 1, Integer::sum);
		}
		if (owner.canTake()) {
			return Choice.send(owner);
		}
		for (SubscriberConnection subscriber : subscribers) {
			if (subscriber.canTake()) {
				return Choice.SKIPPED;
			}
		}
		return Choice.NO_CAPACITY;
	}

	@Override
	public void removed(SubscriberConnection subscriber) {
		this.bucketCounts.remove(subscriber);
		for (int i = 0; i < BUCKETS; i++) {
			if (this.owners[i] == subscriber) {
				this.owners[i] = null;
			}
		}
	}

	private SubscriberConnection leastLoaded(List<SubscriberConnection> subscribers) {
		SubscriberConnection best = subscribers.get(0);
		int bestCount = Integer.MAX_VALUE;
		for (SubscriberConnection subscriber : subscribers) {
			int count = this.bucketCounts.getOrDefault(subscriber, 0);
			if (count < bestCount) {
				best = subscriber;
				bestCount = count;
			}
		}
		return best;
	}

	private String source(Message message) {
		StoredEvent event = (message.event() != null) ? message.event() : message.link();
		if (this.byCorrelation) {
			String correlation = correlationId(event.metadata());
			if (correlation != null) {
				return correlation;
			}
		}
		return sourceStream(event);
	}

	/** For an unresolved link the source is the stream it points to ({@code <rev>@<stream>}). */
	static String sourceStream(StoredEvent event) {
		if (event.isLink()) {
			String data = new String(event.data(), StandardCharsets.UTF_8);
			int at = data.indexOf('@');
			if (at >= 0) {
				return data.substring(at + 1);
			}
		}
		return event.stream();
	}

	private static String correlationId(byte[] metadata) {
		// Parsing JSON for every event is wasteful when most carry no correlation id: look for the key first.
		if (metadata.length == 0 || indexOf(metadata, CORRELATION_KEY) < 0) {
			return null;
		}
		try {
			JsonNode node = JSON.readTree(metadata);
			JsonNode value = (node != null) ? node.get("$correlationId") : null;
			return (value != null && value.isTextual()) ? value.asText() : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static int spread(int hash) {
		int h = hash * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

}
