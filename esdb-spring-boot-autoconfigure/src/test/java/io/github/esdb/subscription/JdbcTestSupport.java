package io.github.esdb.subscription;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.test.PostgresDatabase;

/**
 * What the JDBC checkpoint tests add to {@link EmbeddedServerSupport#runner()}: Spring Boot's own DataSource,
 * transaction manager and JDBC clients, and the checkpoint table's initialization.
 */
final class JdbcTestSupport {

	static final AutoConfigurations JDBC = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
			JdbcClientAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcCheckpointStoreAutoConfiguration.class);

	private JdbcTestSupport() {
	}

	/**
	 * The runner with every checkpoint kept in the PostgreSQL schema of the test class, the table created at start-up.
	 * @param runner typically {@link EmbeddedServerSupport#runner()}
	 * @param postgres the test class's database
	 * @return the runner
	 */
	static ApplicationContextRunner checkpointsIn(PostgresDatabase postgres, ApplicationContextRunner runner) {
		return runner.withConfiguration(JDBC)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always");
	}

	/**
	 * The revisions a read model table holds for a subscription, in order, as another connection sees them.
	 * @param postgres the test class's database
	 * @param table a table with the columns {@code subscription_id} and {@code revision}
	 * @param id the subscription
	 * @return the revisions
	 */
	static List<Long> revisionsIn(PostgresDatabase postgres, String table, String id) {
		return postgres.jdbc()
			.sql("SELECT revision FROM " + table + " WHERE subscription_id = ? ORDER BY revision")
			.param(id)
			.query(Long.class)
			.list();
	}

	/**
	 * The stored revision of a stream subscription, as another connection sees it.
	 * @param jdbc a client outside the application's transactions
	 * @param id the subscription
	 * @return the revision, {@code null} when there is no row or no revision
	 */
	static Long storedRevision(JdbcClient jdbc, String id) {
		return jdbc.sql("SELECT stream_revision FROM esdb_checkpoint WHERE subscription_id = ?")
			.param(id)
			.query(Long.class)
			.optional()
			.orElse(null);
	}

}
