package io.github.esdb.autoconfigure;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the official KurrentDB client from {@code esdb.*} properties or another
 * {@link EsdbConnectionDetails} source.
 */
@AutoConfiguration
@ConditionalOnClass(KurrentDBClient.class)
@EnableConfigurationProperties(EsdbProperties.class)
public class EsdbAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(EsdbConnectionDetails.class)
	PropertiesEsdbConnectionDetails esdbConnectionDetails(EsdbProperties properties) {
		return new PropertiesEsdbConnectionDetails(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	KurrentDBClientSettings kurrentDBClientSettings(EsdbProperties properties, EsdbConnectionDetails connectionDetails,
			ObjectProvider<EsdbClientSettingsCustomizer> customizers) {
		return new EsdbClientSettingsFactory(properties).create(connectionDetails, customizers.orderedStream().toList());
	}

	@Bean(destroyMethod = "shutdown")
	@ConditionalOnMissingBean
	KurrentDBClient kurrentDBClient(KurrentDBClientSettings settings) {
		return KurrentDBClient.create(settings);
	}

	@Bean
	@ConditionalOnMissingBean
	KurrentDBPersistentSubscriptionsClient kurrentDBPersistentSubscriptionsClient(KurrentDBClient client) {
		// Shares the main client's connection: one channel, one discovery loop, one shutdown.
		return KurrentDBPersistentSubscriptionsClient.from(client);
	}

	@Bean
	@ConditionalOnMissingBean
	KurrentDBProjectionManagementClient kurrentDBProjectionManagementClient(KurrentDBClient client) {
		return KurrentDBProjectionManagementClient.from(client);
	}

}
