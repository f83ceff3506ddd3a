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
import org.springframework.context.annotation.Configuration;

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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(KurrentDBClient.class)
	static class ClientConfiguration {

		@Bean(destroyMethod = "")
		KurrentDBClient kurrentDBClient(KurrentDBClientSettings settings) {
			return KurrentDBClient.create(settings);
		}

		@Bean
		EsdbClientShutdown esdbClientShutdown(KurrentDBClient kurrentDBClient, EsdbProperties properties) {
			return new EsdbClientShutdown(kurrentDBClient, properties.getShutdownTimeout());
		}

	}

	// Both share the main client's connection, which that client's shutdown closes; shutting them down again would
	// wait on the connection loop.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	KurrentDBPersistentSubscriptionsClient kurrentDBPersistentSubscriptionsClient(KurrentDBClient client) {
		return KurrentDBPersistentSubscriptionsClient.from(client);
	}

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	KurrentDBProjectionManagementClient kurrentDBProjectionManagementClient(KurrentDBClient client) {
		return KurrentDBProjectionManagementClient.from(client);
	}

}
