package io.github.esdb.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The PostgreSQL that runs on the development and CI machines: {@code 127.0.0.1:5432}, database {@code test}, user
 * {@code postgres} with trust authentication. Each test class that registers it gets a schema of its own, dropped
 * afterwards, so classes (and builds of other branches sharing the database) never see each other's tables.
 * <p>
 * When the database cannot be reached, the tests of the class fail under CI ({@code CI=true}) with a message that
 * says what is missing, and are skipped elsewhere with that reason.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final PostgresDatabase postgres = new PostgresDatabase();
 * </pre>
 */
public final class PostgresDatabase implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

	/** Where the database is ({@code -Desdb.test.postgres.url=...} points elsewhere). */
	public static final String SERVER_URL = System.getProperty("esdb.test.postgres.url",
			"jdbc:postgresql://127.0.0.1:5432/test");

	/** Its user (trust authentication: no password). */
	public static final String USER = "postgres";

	private final String schema = "esdb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	private volatile boolean created;

	/** Why the database cannot be reached, asked once per test JVM; empty when it can. */
	private static volatile Optional<String> unreachable;

	private static boolean underCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	private static Optional<String> unreachable() {
		Optional<String> known = unreachable;
		if (known == null) {
			try (Connection connection = connect(SERVER_URL)) {
				known = Optional.empty();
			}
			catch (SQLException ex) {
				String cause = String.valueOf(ex.getMessage()).replaceAll("[.\\s]+$", "");
				known = Optional.of("PostgreSQL is not reachable at " + SERVER_URL + " as user '" + USER
						+ "' (trust authentication, database 'test'): " + cause);
			}
			unreachable = known;
		}
		return known;
	}

	/**
	 * Outside CI, the tests are skipped (reported as such, with the reason) when the database cannot be reached.
	 */
	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		Optional<String> reason = unreachable();
		if (reason.isEmpty() || underCi()) {
			return ConditionEvaluationResult.enabled("PostgreSQL is reachable, or CI requires it");
		}
		return ConditionEvaluationResult
			.disabled(reason.get() + ". Skipped outside CI; under CI=true this fails the build");
	}

	@Override
	public void beforeAll(ExtensionContext context) throws SQLException {
		Optional<String> reason = unreachable();
		if (reason.isPresent()) {
			// Only under CI: elsewhere the condition skipped the class.
			throw new IllegalStateException(reason.get() + ". Under CI (CI=true) the JDBC checkpoint tests need it: "
					+ "start PostgreSQL on the CI machine (127.0.0.1:5432, database 'test', user 'postgres', trust "
					+ "authentication)");
		}
		try (Connection connection = connect(SERVER_URL)) {
			connection.createStatement().execute("CREATE SCHEMA " + this.schema);
			this.created = true;
		}
	}

	@Override
	public void afterAll(ExtensionContext context) throws SQLException {
		if (this.created) {
			try (Connection connection = connect(SERVER_URL)) {
				connection.createStatement().execute("DROP SCHEMA " + this.schema + " CASCADE");
			}
		}
	}

	private static Connection connect(String url) throws SQLException {
		DriverManager.setLoginTimeout(5);
		return DriverManager.getConnection(url, USER, "");
	}

	/**
	 * The schema of this test class.
	 * @return its name
	 */
	public String schema() {
		return this.schema;
	}

	/**
	 * The JDBC URL of this test class's schema.
	 * @return the URL
	 */
	public String url() {
		return SERVER_URL + "?currentSchema=" + this.schema;
	}

	/**
	 * The properties that make Spring Boot's DataSource connect to this test class's schema.
	 * @return {@code spring.datasource.*} entries
	 */
	public String[] dataSourceProperties() {
		return new String[] { "spring.datasource.url=" + url(), "spring.datasource.username=" + USER,
				"spring.datasource.password=", "spring.datasource.hikari.maximum-pool-size=4" };
	}

	/**
	 * A client on a connection of its own per statement, outside any application's transaction: what another
	 * process would see.
	 * @return the client
	 */
	public JdbcClient jdbc() {
		return JdbcClient.create(new SimpleDriverDataSource(new org.postgresql.Driver(), url(), USER, ""));
	}

	/**
	 * Whether a table exists in this test class's schema.
	 * @param table the table name
	 * @return true if it exists
	 */
	public boolean hasTable(String table) {
		return jdbc().sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")
			.param(this.schema)
			.param(table.toLowerCase(Locale.ROOT))
			.query(Long.class)
			.single() > 0;
	}

}
