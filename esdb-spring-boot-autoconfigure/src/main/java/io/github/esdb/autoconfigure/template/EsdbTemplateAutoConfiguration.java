package io.github.esdb.autoconfigure.template;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.event.CurrentEvent;
import io.kurrent.dbclient.KurrentDBClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessException;
import io.github.esdb.core.EsdbExceptionTranslator;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.core.EsdbTemplate;
import io.github.esdb.core.EventMetadataContributor;

/**
 * Auto-configuration of {@link EsdbTemplate} and its {@link EsdbExceptionTranslator}. Back off when the application
 * defines its own {@link EsdbOperations}.
 */
@AutoConfiguration(after = { EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class })
@ConditionalOnClass({ KurrentDBClient.class, DataAccessException.class })
@ConditionalOnBean({ KurrentDBClientProvider.class, EventSerializer.class, EventTypeRegistry.class })
public class EsdbTemplateAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EsdbExceptionTranslator esdbExceptionTranslator() {
		return new EsdbExceptionTranslator();
	}

	@Bean
	@ConditionalOnMissingBean(EsdbOperations.class)
	EsdbTemplate esdbTemplate(KurrentDBClientProvider kurrentDBClientProvider, EventSerializer serializer,
			EventTypeRegistry types,
			ObjectProvider<CurrentEvent> currentEvent, EsdbExceptionTranslator translator,
			ObjectProvider<EventMetadataContributor> metadataContributors) {
		// Without subscriptions there is no handled event to carry ids over from; the template then works without.
		return new EsdbTemplate(kurrentDBClientProvider, serializer, types, currentEvent.getIfAvailable(), translator,
				metadataContributors.orderedStream().toList());
	}

}
