package io.github.esdb.serialization;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EventSerializer} on Jackson 3, writing {@code application/json}.
 */
public class JacksonEventSerializer implements EventSerializer {

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private final JsonMapper jsonMapper;

	private final EventTypeRegistry types;

	public JacksonEventSerializer(JsonMapper jsonMapper, EventTypeRegistry types) {
		this.jsonMapper = jsonMapper;
		this.types = types;
	}

	@Override
	public SerializedEvent serialize(Object payload) {
		if (payload instanceof byte[] bytes) {
			throw new EventSerializationException(
					"A byte[] payload has no event type; append it with an explicit type name", null);
		}
		String type = this.types.register(payload.getClass());
		try {
			return new SerializedEvent(type, this.jsonMapper.writeValueAsBytes(payload), SerializedEvent.JSON);
		}
		catch (JacksonException ex) {
			throw new EventSerializationException("Cannot write " + payload.getClass().getName() + " as JSON for event type '"
					+ type + "': " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T deserialize(String eventType, byte[] data, Class<T> target) {
		if (target == byte[].class) {
			return (T) data;
		}
		try {
			return this.jsonMapper.readValue(data, target);
		}
		catch (JacksonException ex) {
			throw new EventSerializationException("Cannot read event type '" + eventType + "' as " + target.getName()
					+ ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public Map<String, Object> readMetadata(byte[] metadata) {
		if (metadata == null || metadata.length == 0) {
			return Collections.emptyMap();
		}
		try {
			Map<String, Object> parsed = this.jsonMapper.readValue(metadata, MAP);
			// The JSON literal null reads as no map at all.
			return (parsed != null) ? Collections.unmodifiableMap(parsed) : Collections.emptyMap();
		}
		catch (JacksonException ex) {
			// Metadata written by other tools need not be a JSON object; it stays available as raw bytes.
			return Collections.emptyMap();
		}
	}

	@Override
	public byte[] writeMetadata(Map<String, ?> metadata) {
		try {
			return this.jsonMapper.writeValueAsBytes(metadata);
		}
		catch (JacksonException ex) {
			throw new EventSerializationException("Cannot write event metadata as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

}
