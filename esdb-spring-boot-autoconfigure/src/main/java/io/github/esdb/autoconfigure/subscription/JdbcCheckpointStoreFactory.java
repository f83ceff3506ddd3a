package io.github.esdb.autoconfigure.subscription;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.checkpoint.JdbcCheckpointStore;
import io.github.esdb.subscription.coordination.JdbcLeaseStore;
import io.github.esdb.subscription.coordination.LeaseStore;

/**
 * Creates the JDBC stores (checkpoints, leases); a class of its own so that nothing loads spring-jdbc types unless the store is asked for.
 */
final class JdbcCheckpointStoreFactory {

	private JdbcCheckpointStoreFactory() {
	}

	static CheckpointStore create(DataSource dataSource, String tableName) {
		return new JdbcCheckpointStore(dataSource, tableName);
	}

	/** The DataSource of a JDBC checkpoint store, {@code null} for any other store. */
	static @Nullable DataSource dataSourceOf(@Nullable CheckpointStore store) {
		return (store instanceof JdbcCheckpointStore jdbc) ? jdbc.getDataSource() : null;
	}

	static LeaseStore leaseStore(DataSource dataSource) {
		return new JdbcLeaseStore(dataSource);
	}

}
