package io.github.esdb.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.autoconfigure.observability.SubscriptionMonitorAutoConfiguration;
import io.github.esdb.autoconfigure.observability.SubscriptionObservabilityProperties;

/**
 * Auto-configuration of the subscription health contributors: {@code esdbSubscriptions} (one entry per subscription;
 * {@code management.health.esdb-subscriptions.enabled}) and {@code esdbSubscriptionsCaughtUp} (for the readiness
 * group; {@code management.health.esdb-subscriptions-caught-up.enabled}).
 */
@AutoConfiguration(after = SubscriptionMonitorAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
@ConditionalOnBean(SubscriptionMonitor.class)
public class SubscriptionHealthContributorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("esdb-subscriptions")
	static class SubscriptionsHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "esdbSubscriptionsHealthContributor")
		SubscriptionsHealthContributor esdbSubscriptionsHealthContributor(SubscriptionMonitor monitor,
				SubscriptionObservabilityProperties properties) {
			return new SubscriptionsHealthContributor(monitor, properties.isReconnectingIsDown());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("esdb-subscriptions-caught-up")
	static class CaughtUpHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "esdbSubscriptionsCaughtUpHealthIndicator")
		SubscriptionsCaughtUpHealthIndicator esdbSubscriptionsCaughtUpHealthIndicator(SubscriptionMonitor monitor) {
			return new SubscriptionsCaughtUpHealthIndicator(monitor);
		}

	}

}
