package io.github.esdb.autoconfigure.serialization;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import io.github.esdb.serialization.EventType;

/**
 * How payload classes map to event type names, bound from {@code esdb.serialization.*}.
 */
@ConfigurationProperties("esdb.serialization")
public class EsdbSerializationProperties {

	/**
	 * Event type names mapped to payload classes, for example
	 * "esdb.serialization.types.OrderPlaced=com.example.orders.OrderPlaced". Overrides the simple-class-name default
	 * for classes without @EventType.
	 */
	private Map<String, Class<?>> types = new LinkedHashMap<>();

	public Map<String, Class<?>> getTypes() {
		return this.types;
	}

	public void setTypes(Map<String, Class<?>> types) {
		this.types = types;
	}

}
