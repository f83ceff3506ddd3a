package io.github.esdb.autoconfigure.subscription;

import javax.sql.DataSource;

import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.checkpoint.JdbcCheckpointStore;

/**
 * Creates the JDBC store; a class of its own so that nothing loads spring-jdbc types unless the store is asked for.
 */
final class JdbcCheckpointStoreFactory {

	private JdbcCheckpointStoreFactory() {
	}

	static CheckpointStore create(DataSource dataSource, String tableName) {
		return new JdbcCheckpointStore(dataSource, tableName);
	}

}
