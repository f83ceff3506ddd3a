package io.github.esdb.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The rule of the project's PostgreSQL tests (as the autoconfigure module's {@code PostgresDatabase}) for a
 * benchmark that makes its own schema: when PostgreSQL ({@link ScaleOutScenario#POSTGRES_URL}, user
 * {@code postgres}, trust authentication) cannot be reached, the tests fail under CI ({@code CI=true}) with a message
 * that says what is missing, and are skipped elsewhere with that reason.
 */
final class RequiresPostgres implements ExecutionCondition, BeforeAllCallback {

	private static boolean underCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	private static Optional<String> unreachable() {
		DriverManager.setLoginTimeout(5);
		try (Connection connection = DriverManager.getConnection(ScaleOutScenario.POSTGRES_URL,
				ScaleOutScenario.POSTGRES_USER, "")) {
			return Optional.empty();
		}
		catch (SQLException ex) {
			String cause = String.valueOf(ex.getMessage()).replaceAll("[.\\s]+$", "");
			return Optional.of("PostgreSQL is not reachable at " + ScaleOutScenario.POSTGRES_URL + " as user '"
					+ ScaleOutScenario.POSTGRES_USER + "' (trust authentication, database 'test'): " + cause);
		}
	}

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
	public void beforeAll(ExtensionContext context) {
		Optional<String> reason = unreachable();
		if (reason.isPresent()) {
			// Only under CI: elsewhere the condition skipped the class.
			throw new IllegalStateException(reason.get() + ". Under CI (CI=true) the scale-out scenario needs it: "
					+ "start PostgreSQL on the CI machine (127.0.0.1:5432, database 'test', user 'postgres', trust "
					+ "authentication)");
		}
	}

}
