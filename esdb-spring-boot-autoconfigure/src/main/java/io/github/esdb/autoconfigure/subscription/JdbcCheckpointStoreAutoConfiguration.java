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
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Creates the JDBC checkpoint table when subscriptions keep their checkpoints there
 * ({@code esdb.subscriptions.checkpoint.store=jdbc} or {@code esdb.subscriptions.by-id.<id>.checkpoint-store=jdbc})
 * and the application has one DataSource: as {@code esdb.subscriptions.checkpoint.jdbc.initialize-schema} says, by
 * default on an embedded database only.
 */
@AutoConfiguration(after = SubscriptionAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ JdbcClient.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "esdb.subscriptions", name = "enabled", matchIfMissing = true)
@Conditional(OnJdbcCheckpointStoreCondition.class)
@EnableConfigurationProperties(SubscriptionProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class JdbcCheckpointStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(JdbcCheckpointStoreSchemaInitializer.class)
	JdbcCheckpointStoreSchemaInitializer esdbJdbcCheckpointStoreSchemaInitializer(DataSource dataSource,
			SubscriptionProperties properties) {
		SubscriptionPropertiesChecks.check(properties);
		return new JdbcCheckpointStoreSchemaInitializer(dataSource, properties.getCheckpoint().getJdbc());
	}

}
