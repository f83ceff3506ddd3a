package io.github.esdb.autoconfigure.observability;

import io.kurrent.dbclient.KurrentDBClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.github.esdb.autoconfigure.ConfigurationChecks;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.observability.SubscriptionMonitor;

/**
 * Auto-configuration of the {@link SubscriptionMonitor} that the subscription health indicators, metrics and the
 * actuator endpoint share.
 */
@AutoConfiguration(after = SubscriptionAutoConfiguration.class)
@ConditionalOnClass({ KurrentDBClient.class, SubscriptionRegistry.class })
@ConditionalOnBean({ KurrentDBClientProvider.class, SubscriptionRegistry.class })
@EnableConfigurationProperties(SubscriptionObservabilityProperties.class)
public class SubscriptionMonitorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SubscriptionMonitor esdbSubscriptionMonitor(ObjectProvider<SubscriptionRegistry> registry,
			KurrentDBClientProvider kurrentDBClientProvider, SubscriptionObservabilityProperties properties,
			ObjectProvider<SubscriptionMonitor.Listener> listeners) {
		ConfigurationChecks.positive(properties.getLagPollInterval(),
				"esdb.subscriptions.observability.lag-poll-interval", "5s");
		ConfigurationChecks.positive(properties.getStallTimeout(), "esdb.subscriptions.observability.stall-timeout",
				"2m");
		// The registry is looked up lazily: its container factory needs this monitor (an observer) first.
		return new SubscriptionMonitor(registry::getObject, kurrentDBClientProvider, properties.getLagPollInterval(),
				properties.getStallTimeout(), () -> listeners.orderedStream().toList());
	}

}
