package io.github.esdb.autoconfigure.health;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.autoconfigure.EsdbProperties;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code esdb} health indicator; {@code management.health.esdb.enabled=false} turns it off.
 */
@AutoConfiguration(after = EsdbAutoConfiguration.class)
@ConditionalOnClass({ KurrentDBClient.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(KurrentDBClientProvider.class)
@ConditionalOnEnabledHealthIndicator("esdb")
public class EsdbHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "esdbHealthIndicator")
	EsdbHealthIndicator esdbHealthIndicator(KurrentDBClientProvider kurrentDBClientProvider,
			KurrentDBClientSettings settings, EsdbProperties properties,
			ObjectProvider<EsdbConnectionDetails> connectionDetails) {
		EsdbConnectionDetails details = connectionDetails.getIfUnique();
		return new EsdbHealthIndicator(kurrentDBClientProvider, settings, properties.getHealth().getTimeout(),
				details != null && details.isEmbedded());
	}

}
