package io.github.esdb.serialization;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EventSerializer} on Jackson 3, writing {@code application/json}.
 */
public class JacksonEventSerializer implements EventSerializer {

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private final JsonMapper jsonMapper;

	private final EventTypeRegistry types;

	/**
	 * A reader per payload type: {@code readValue(bytes, type)} resolves the type and looks up its deserializer in
	 * the mapper's caches for every event, which cost about a tenth of a catch-up's time per event; a reader does it
	 * once. The mapper is immutable, so a reader made once reads as the mapper would.
	 */
	private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

	private final ObjectReader metadataReader;

	public JacksonEventSerializer(JsonMapper jsonMapper, EventTypeRegistry types) {
		this.jsonMapper = jsonMapper;
		this.types = types;
		this.metadataReader = jsonMapper.readerFor(MAP);
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
			ObjectReader reader = this.readers.get(target);
			if (reader == null) {
				reader = this.readers.computeIfAbsent(target, this.jsonMapper::readerFor);
			}
			return reader.readValue(data);
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
			return Collections.unmodifiableMap(this.metadataReader.readValue(metadata));
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
