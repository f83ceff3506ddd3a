package io.github.esdb.autoconfigure.serialization;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;

/**
 * Auto-configuration of the event type mapping and the Jackson 3 serializer shared by subscriptions and the template.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(JsonMapper.class)
@EnableConfigurationProperties(EsdbSerializationProperties.class)
public class EsdbSerializationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventTypeRegistry esdbEventTypeRegistry(EsdbSerializationProperties properties) {
		return new EventTypeRegistry(properties.getTypes());
	}

	@Bean
	@ConditionalOnMissingBean
	EventSerializer esdbEventSerializer(ObjectProvider<JsonMapper> jsonMapper, EventTypeRegistry types) {
		return new JacksonEventSerializer(jsonMapper.getIfAvailable(JsonMapper::new), types);
	}

}
