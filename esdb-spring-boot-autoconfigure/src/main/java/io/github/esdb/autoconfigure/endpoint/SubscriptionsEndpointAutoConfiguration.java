package io.github.esdb.autoconfigure.endpoint;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.autoconfigure.observability.SubscriptionMonitorAutoConfiguration;
import io.github.esdb.subscription.SubscriptionRegistry;

/**
 * Auto-configuration of the {@code esdbsubscriptions} actuator endpoint, when it is available (enabled and exposed).
 */
@AutoConfiguration(after = SubscriptionMonitorAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ SubscriptionRegistry.class, SubscriptionMonitor.class })
@ConditionalOnAvailableEndpoint(SubscriptionsEndpoint.class)
public class SubscriptionsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SubscriptionsEndpoint esdbSubscriptionsEndpoint(SubscriptionRegistry registry, SubscriptionMonitor monitor) {
		return new SubscriptionsEndpoint(registry, monitor);
	}

}
