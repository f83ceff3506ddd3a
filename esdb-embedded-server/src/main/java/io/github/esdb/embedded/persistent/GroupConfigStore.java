package io.github.esdb.embedded.persistent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StreamReadResult;

/**
 * Persists the group definitions like the real server: after every change, one {@code $PersistentConfig} event
 * holding every group is appended to {@code $persistentSubscriptionConfig}; on start the latest one is read back.
 * Because the store outlives the server, groups survive a stop/start cycle and a subsystem restart.
 */
final class GroupConfigStore {

	static final String CONFIG_STREAM = "$persistentSubscriptionConfig";

	static final String CONFIG_TYPE = "$PersistentConfig";

	private static final Logger logger = LoggerFactory.getLogger(GroupConfigStore.class);

	private final EventStore store;

	GroupConfigStore(EventStore store) {
		this.store = store;
	}

	/**
	 * Reads the latest configuration.
	 * @return the definitions, empty when none were saved
	 */
	List<GroupDefinition> load() {
		StreamReadResult result = this.store.readStream(CONFIG_STREAM, Long.MAX_VALUE, false, 1);
		if (!(result instanceof StreamReadResult.Events events) || events.events().isEmpty()) {
			return List.of();
		}
		JsonNode root = Json.parse(events.events().get(0).data());
		if (root == null || !root.path("Entries").isArray()) {
			logger.warn("Ignoring unreadable persistent subscription configuration");
			return List.of();
		}
		List<GroupDefinition> definitions = new ArrayList<>();
		for (JsonNode entry : root.path("Entries")) {
			try {
				definitions.add(read(entry));
			}
			catch (RuntimeException ex) {
				logger.warn("Ignoring unreadable persistent subscription entry {}", entry, ex);
			}
		}
		return definitions;
	}

	/**
	 * Saves the whole configuration.
	 * @param definitions every group
	 */
	void save(Collection<GroupDefinition> definitions) {
		ObjectNode root = Json.object();
		root.put("Version", "2");
		root.put("Updated", Instant.now().toString());
		root.put("UpdatedBy", "admin");
		ArrayNode entries = root.putArray("Entries");
		for (GroupDefinition definition : definitions) {
			entries.add(write(definition));
		}
		SystemStreamWriter.append(this.store, CONFIG_STREAM, CONFIG_TYPE, true, Json.bytes(root), null);
	}

	private static ObjectNode write(GroupDefinition definition) {
		GroupSettings settings = definition.settings();
		ObjectNode entry = Json.object();
		entry.put("Stream", definition.stream());
		entry.put("Group", definition.group());
		entry.put("StartFrom", definition.startFrom());
		entry.put("StartPosition", definition.startFromText());
		entry.put("StartPrepare", definition.startPrepare());
		entry.put("ResolveLinkTos", settings.resolveLinks());
		entry.put("ExtraStatistics", settings.extraStatistics());
		entry.put("MessageTimeout", settings.messageTimeoutMs());
		entry.put("MaxRetryCount", settings.maxRetryCount());
		entry.put("LiveBufferSize", settings.liveBufferSize());
		entry.put("BufferSize", settings.historyBufferSize());
		entry.put("ReadBatchSize", settings.readBatchSize());
		entry.put("CheckPointAfter", settings.checkpointAfterMs());
		entry.put("MinCheckPointCount", settings.minCheckpointCount());
		entry.put("MaxCheckPointCount", settings.maxCheckpointCount());
		entry.put("MaxSubscriberCount", settings.maxSubscriberCount());
		entry.put("NamedConsumerStrategy", settings.consumerStrategy());
		AllFilter filter = definition.filter();
		if (filter != null) {
			ObjectNode node = entry.putObject("Filter");
			node.put("Context", filter.byStreamName() ? "StreamId" : "EventType");
			node.put("Type", filter.regex().isEmpty() ? "Prefix" : "Regex");
			ArrayNode data = node.putArray("Data");
			if (filter.regex().isEmpty()) {
				filter.prefixes().forEach(data::add);
			}
			else {
				data.add(filter.regex());
			}
		}
		return entry;
	}

	private static GroupDefinition read(JsonNode entry) {
		GroupSettings settings = new GroupSettings(entry.path("ResolveLinkTos").asBoolean(),
				entry.path("ExtraStatistics").asBoolean(), entry.path("MessageTimeout").asInt(),
				entry.path("MaxRetryCount").asInt(), entry.path("LiveBufferSize").asInt(),
				entry.path("BufferSize").asInt(), entry.path("ReadBatchSize").asInt(),
				entry.path("CheckPointAfter").asInt(), entry.path("MinCheckPointCount").asInt(),
				entry.path("MaxCheckPointCount").asInt(), entry.path("MaxSubscriberCount").asInt(),
				entry.path("NamedConsumerStrategy").asText(ConsumerStrategy.ROUND_ROBIN));
		AllFilter filter = null;
		JsonNode node = entry.get("Filter");
		if (node != null && node.isObject()) {
			List<String> data = new ArrayList<>();
			node.path("Data").forEach((item) -> data.add(item.asText()));
			boolean regex = "Regex".equals(node.path("Type").asText());
			filter = new AllFilter("StreamId".equals(node.path("Context").asText()),
					regex ? data.get(0) : "", regex ? List.of() : data);
		}
		return new GroupDefinition(entry.path("Stream").asText(), entry.path("Group").asText(),
				entry.path("StartFrom").asLong(), entry.path("StartPrepare").asLong(), filter, settings);
	}

}
