package io.github.esdb.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong {@code exception-actions} entry (an unknown action, a class that does not exist or is not an exception)
 * or retry setting fails start-up through the failure analyzer, naming the property and a correct example.
 */
class ExceptionActionsPropertiesTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions();

	@Test
	void validMappingsStartUp() {
		this.runner
			.withPropertyValues("esdb.subscriptions.exception-actions[java.lang.IllegalArgumentException]=park",
					"esdb.subscriptions.by-id.orders.exception-actions[java.io.UncheckedIOException]=RETRY")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(PersistentErrorPolicy.class));
	}

	@Test
	void anUnknownActionFailsStartUpNamingThePropertyAndAnExample() {
		this.runner
			.withPropertyValues(
					"esdb.subscriptions.by-id.orders.exception-actions[java.lang.IllegalStateException]=drop")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("esdb.subscriptions.by-id.orders.exception-actions[java.lang.IllegalStateException]")
					.contains("'drop' is not an action");
				assertThat(analysis.getAction()).contains("park, retry, skip, stop")
					.contains("exception-actions[java.lang.IllegalStateException]=park");
			});
	}

	@Test
	void aClassThatDoesNotExistOrIsNoExceptionFailsStartUp() {
		this.runner.withPropertyValues("esdb.subscriptions.exception-actions[com.example.Missing]=skip")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("esdb.subscriptions.exception-actions[com.example.Missing]")
					.contains("there is no class 'com.example.Missing'");
				assertThat(analysis.getAction())
					.contains("esdb.subscriptions.exception-actions[java.lang.IllegalArgumentException]=skip");
			});
		this.runner.withPropertyValues("esdb.subscriptions.exception-actions[java.lang.String]=skip")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("'java.lang.String' is not an exception class"));
	}

	@Test
	void aWrongPersistentRetrySettingFailsStartUp() {
		this.runner.withPropertyValues("esdb.subscriptions.persistent.retry.multiplier=0.5")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("esdb.subscriptions.persistent.retry.multiplier"));
	}

	private static FailureAnalysis analysis(Throwable failure) {
		assertThat(failure).as("start-up failure").isNotNull();
		FailureAnalysis analysis = new InvalidEsdbConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of " + failure).isNotNull();
		return analysis;
	}

}
