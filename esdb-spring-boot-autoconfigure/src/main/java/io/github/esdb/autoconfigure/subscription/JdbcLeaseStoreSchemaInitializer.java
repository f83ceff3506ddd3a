package io.github.esdb.autoconfigure.subscription;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;

import io.github.esdb.subscription.coordination.JdbcLeaseStore;

/**
 * Creates the lease table of {@code esdb.subscriptions.coordination.mode=jdbc} at start-up, by the rules of the
 * checkpoint table: as {@code esdb.subscriptions.checkpoint.jdbc.initialize-schema} says (by default only on an
 * embedded database), with the script for the DataSource's platform (or
 * {@code esdb.subscriptions.checkpoint.jdbc.platform}).
 */
public class JdbcLeaseStoreSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/**
	 * Create the initializer.
	 * @param dataSource the checkpoint database
	 * @param jdbc the {@code esdb.subscriptions.checkpoint.jdbc.*} properties
	 */
	public JdbcLeaseStoreSchemaInitializer(DataSource dataSource, SubscriptionProperties.Jdbc jdbc) {
		super(dataSource, JdbcCheckpointStoreSchemaInitializer.settings(dataSource, jdbc, JdbcLeaseStore.SCHEMA_LOCATION));
	}

}
