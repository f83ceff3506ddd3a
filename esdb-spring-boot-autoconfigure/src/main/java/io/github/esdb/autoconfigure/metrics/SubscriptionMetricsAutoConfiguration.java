package io.github.esdb.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.esdb.autoconfigure.ConfigurationChecks;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.autoconfigure.observability.SubscriptionMonitorAutoConfiguration;
import io.github.esdb.autoconfigure.observability.SubscriptionObservabilityProperties;

/**
 * Auto-configuration of the subscription meters ({@code esdb.subscription.*}) and of the persistent subscription
 * group statistics ({@code esdb.persistent.*}).
 */
@AutoConfiguration(after = SubscriptionMonitorAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, SubscriptionMonitor.class })
public class SubscriptionMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SubscriptionMetrics esdbSubscriptionMetrics(MeterRegistry registry, SubscriptionMonitor monitor) {
		return new SubscriptionMetrics(registry, monitor);
	}

	@Bean
	@ConditionalOnMissingBean
	SubscriptionLeaseMetrics esdbSubscriptionLeaseMetrics(MeterRegistry registry) {
		return new SubscriptionLeaseMetrics(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KurrentDBClientProvider.class)
	PersistentSubscriptionStatsMetrics esdbPersistentSubscriptionStatsMetrics(MeterRegistry registry,
			KurrentDBClientProvider kurrentDBClientProvider, SubscriptionObservabilityProperties properties) {
		ConfigurationChecks.positive(properties.getPersistentStatsPollInterval(),
				"esdb.subscriptions.observability.persistent-stats-poll-interval", "30s");
		return new PersistentSubscriptionStatsMetrics(registry, kurrentDBClientProvider,
				properties.getPersistentStatsPollInterval());
	}

}
