package io.github.esdb.autoconfigure.subscription;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.autoconfigure.subscription.SubscriptionProperties.CoordinationMode;

/**
 * Creates the lease table when some subscription keeps its lease in the database
 * ({@code esdb.subscriptions.coordination.mode=jdbc} or {@code by-id.<id>.coordination.mode=jdbc}) and the
 * application has one DataSource, as {@code esdb.subscriptions.checkpoint.jdbc.initialize-schema} says.
 */
@AutoConfiguration(after = SubscriptionAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ JdbcClient.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "esdb.subscriptions", name = "enabled", matchIfMissing = true)
@ConditionalOnCoordination(CoordinationMode.JDBC)
@EnableConfigurationProperties(SubscriptionProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class JdbcLeaseStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(JdbcLeaseStoreSchemaInitializer.class)
	JdbcLeaseStoreSchemaInitializer esdbJdbcLeaseStoreSchemaInitializer(DataSource dataSource,
			SubscriptionProperties properties) {
		return new JdbcLeaseStoreSchemaInitializer(dataSource, properties.getCheckpoint().getJdbc());
	}

}
