package io.github.esdb.subscription;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;

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
