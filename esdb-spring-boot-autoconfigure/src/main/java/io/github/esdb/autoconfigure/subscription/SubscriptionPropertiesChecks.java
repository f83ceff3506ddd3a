package io.github.esdb.autoconfigure.subscription;

import java.util.regex.Pattern;

import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;

import static io.github.esdb.autoconfigure.ConfigurationChecks.atLeast;
import static io.github.esdb.autoconfigure.ConfigurationChecks.between;
import static io.github.esdb.autoconfigure.ConfigurationChecks.notNegative;
import static io.github.esdb.autoconfigure.ConfigurationChecks.positive;

/**
 * Fails start-up on {@code esdb.subscriptions.*} values that bind but cannot work: a zero subscribe timeout would
 * make every subscribe attempt time out, a zero resubscribe interval would retry in a hot loop, a zero batch or
 * buffer size would never deliver.
 */
final class SubscriptionPropertiesChecks {

	private static final String PREFIX = "esdb.subscriptions.";

	/** As JdbcCheckpointStore checks it, without loading that class (spring-jdbc may be absent). */
	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private SubscriptionPropertiesChecks() {
	}

	static void check(SubscriptionProperties properties) {
		notNegative(properties.getShutdownTimeout(), PREFIX + "shutdown-timeout", "10s");
		positive(properties.getSubscribeTimeout(), PREFIX + "subscribe-timeout", "10s");
		atLeast(properties.getConcurrency(), 1, PREFIX + "concurrency", "8");
		atLeast(properties.getMaxInFlight(), 1, PREFIX + "max-in-flight", "256");
		properties.getById().forEach((id, settings) -> {
			if (settings.getConcurrency() != null) {
				atLeast(settings.getConcurrency(), 1, PREFIX + "by-id." + id + ".concurrency", "8");
			}
			if (settings.getBatchSize() != null) {
				atLeast(settings.getBatchSize(), 1, PREFIX + "by-id." + id + ".batch-size", "500");
			}
			if (settings.getBatchMaxWait() != null) {
				notNegative(settings.getBatchMaxWait(), PREFIX + "by-id." + id + ".batch-max-wait", "200ms");
			}
		});
		atLeast(properties.getBatch().getSize(), 1, PREFIX + "batch.size", "100");
		notNegative(properties.getBatch().getMaxWait(), PREFIX + "batch.max-wait", "100ms");
		SubscriptionProperties.CatchUp catchUp = properties.getCatchUp();
		atLeast(catchUp.getBatchSize(), 1, PREFIX + "catch-up.batch-size", "512");
		SubscriptionProperties.Retry retry = catchUp.getRetry();
		atLeast(retry.getMaxAttempts(), 0, PREFIX + "catch-up.retry.max-attempts", "3");
		positive(retry.getInitialInterval(), PREFIX + "catch-up.retry.initial-interval", "200ms");
		atLeast(retry.getMultiplier(), 1, PREFIX + "catch-up.retry.multiplier", "2.0");
		positive(retry.getMaxInterval(), PREFIX + "catch-up.retry.max-interval", "5s");
		SubscriptionProperties.Retry persistentRetry = properties.getPersistent().getRetry();
		atLeast(persistentRetry.getMaxAttempts(), 0, PREFIX + "persistent.retry.max-attempts", "5");
		positive(persistentRetry.getInitialInterval(), PREFIX + "persistent.retry.initial-interval", "500ms");
		atLeast(persistentRetry.getMultiplier(), 1, PREFIX + "persistent.retry.multiplier", "2.0");
		positive(persistentRetry.getMaxInterval(), PREFIX + "persistent.retry.max-interval", "10s");
		String parkedPrefix = properties.getParking().getStreamPrefix();
		if (parkedPrefix == null || parkedPrefix.isBlank()) {
			throw new InvalidEsdbConfigurationException(PREFIX + "parking.stream-prefix", "must not be empty",
					"Set a valid value, for example " + PREFIX + "parking.stream-prefix=$esdb-parked-");
		}
		ExceptionActionsProperties.check(properties);
		SubscriptionProperties.Checkpoint checkpoint = properties.getCheckpoint();
		atLeast(checkpoint.getEveryEvents(), 1, PREFIX + "checkpoint.every-events", "100");
		positive(checkpoint.getEvery(), PREFIX + "checkpoint.every", "5s");
		notNegative(checkpoint.getMinInterval(), PREFIX + "checkpoint.min-interval", "1s");
		atLeast(checkpoint.getMaxCount(), 1, PREFIX + "checkpoint.max-count", "5");
		if (checkpoint.getStreamPrefix() == null || checkpoint.getStreamPrefix().isBlank()) {
			throw new InvalidEsdbConfigurationException(
					PREFIX + "checkpoint.stream-prefix", "must not be empty",
					"Set a valid value, for example " + PREFIX + "checkpoint.stream-prefix=$esdb-checkpoint-");
		}
		SubscriptionProperties.Jdbc jdbc = checkpoint.getJdbc();
		if (jdbc.getTableName() == null || !TABLE_NAME.matcher(jdbc.getTableName()).matches()) {
			throw new InvalidEsdbConfigurationException(PREFIX + "checkpoint.jdbc.table-name",
					"'" + jdbc.getTableName() + "' is not a plain SQL identifier",
					"Use letters, digits and '_' (not starting with a digit), optionally after a schema name and a dot, "
							+ "for example " + PREFIX + "checkpoint.jdbc.table-name=esdb_checkpoint");
		}
		if (jdbc.getSchema() == null || jdbc.getSchema().isBlank()) {
			throw new InvalidEsdbConfigurationException(PREFIX + "checkpoint.jdbc.schema", "must not be empty",
					"Remove it to use the scripts in the jar, or set a location, for example " + PREFIX
							+ "checkpoint.jdbc.schema=classpath:db/esdb-checkpoint.sql");
		}
		atLeast(properties.getPersistent().getBufferSize(), 1, PREFIX + "persistent.buffer-size", "32");
		SubscriptionProperties.Resubscribe resubscribe = properties.getResubscribe();
		positive(resubscribe.getInitialInterval(), PREFIX + "resubscribe.initial-interval", "500ms");
		positive(resubscribe.getMaxInterval(), PREFIX + "resubscribe.max-interval", "5s");
		atLeast(resubscribe.getMultiplier(), 1, PREFIX + "resubscribe.multiplier", "2.0");
		between(resubscribe.getJitter(), 0, 1, PREFIX + "resubscribe.jitter", "0.2");
	}

}
