package io.github.esdb.autoconfigure;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the official KurrentDB client from {@code esdb.*} properties or another
 * {@link EsdbConnectionDetails} source, held by a {@link KurrentDBClientProvider} that every component of the starter
 * asks for its client, so that they outlive a client that shut itself down.
 * <p>
 * The {@link KurrentDBClient}, {@link KurrentDBPersistentSubscriptionsClient} and
 * {@link KurrentDBProjectionManagementClient} beans are the provider's first clients: code that injects them keeps
 * them after a replacement. When the application defines its own {@link KurrentDBClient}, the provider hands out that
 * client and never replaces it.
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

	// Registered before the outer class's beans, so the provider that wraps an application's client below backs off
	// from the one defined here.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(KurrentDBClient.class)
	static class ClientConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingBean(KurrentDBClientProvider.class)
		static class ProviderConfiguration {

			// Closed by esdbClientProviderShutdown, which bounds the wait.
			@Bean(destroyMethod = "")
			KurrentDBClientProvider kurrentDBClientProvider(KurrentDBClientSettings settings) {
				return new KurrentDBClientProvider(settings);
			}

			// A destroy method cannot be given the timeout the provider's shutdown takes.
			@Bean
			DisposableBean esdbClientProviderShutdown(KurrentDBClientProvider kurrentDBClientProvider,
					EsdbProperties properties) {
				return () -> kurrentDBClientProvider.shutdown(properties.getShutdownTimeout());
			}

		}

		// The provider shuts the connection down; shutting the client down again would wait on the connection loop.
		@Bean(destroyMethod = "")
		KurrentDBClient kurrentDBClient(KurrentDBClientProvider kurrentDBClientProvider) {
			return kurrentDBClientProvider.client();
		}

	}

	// The application's own client: there are no settings it was built from to replace it with, and its own bean
	// definition closes it.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	KurrentDBClientProvider kurrentDBClientProvider(KurrentDBClient kurrentDBClient) {
		return KurrentDBClientProvider.of(kurrentDBClient);
	}

	// Both share the provider's connection, which the provider's shutdown closes; shutting them down again would wait
	// on the connection loop.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	KurrentDBPersistentSubscriptionsClient kurrentDBPersistentSubscriptionsClient(
			KurrentDBClientProvider kurrentDBClientProvider) {
		return kurrentDBClientProvider.persistentSubscriptions();
	}

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	KurrentDBProjectionManagementClient kurrentDBProjectionManagementClient(
			KurrentDBClientProvider kurrentDBClientProvider) {
		return kurrentDBClientProvider.projections();
	}

}
