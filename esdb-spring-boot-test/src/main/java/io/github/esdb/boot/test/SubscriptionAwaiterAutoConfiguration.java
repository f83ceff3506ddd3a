package io.github.esdb.boot.test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.subscription.SubscriptionRegistry;

/**
 * The {@link SubscriptionAwaiter} of a test context with subscriptions. This module is a test dependency, so the
 * bean only exists in tests.
 */
@AutoConfiguration(after = SubscriptionAutoConfiguration.class)
@ConditionalOnBean({ SubscriptionRegistry.class, KurrentDBClientProvider.class })
@EnableConfigurationProperties(EsdbTestProperties.class)
public class SubscriptionAwaiterAutoConfiguration {

	/**
	 * The awaiter.
	 * @param registry the subscriptions
	 * @param kurrentDBClientProvider the client
	 * @param properties the default timeout
	 * @return the awaiter
	 */
	@Bean
	@ConditionalOnMissingBean
	public SubscriptionAwaiter esdbSubscriptionAwaiter(SubscriptionRegistry registry,
			KurrentDBClientProvider kurrentDBClientProvider, EsdbTestProperties properties) {
		return new SubscriptionAwaiter(registry, kurrentDBClientProvider, properties.getAwaitTimeout());
	}

}
