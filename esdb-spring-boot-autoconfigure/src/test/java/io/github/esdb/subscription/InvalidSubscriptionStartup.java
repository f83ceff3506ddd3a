package io.github.esdb.subscription;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asserts that an application context fails to start because a subscription is declared wrongly, and finds the
 * {@link InvalidSubscriptionException} among the causes of the start-up failure.
 */
final class InvalidSubscriptionStartup {

	private InvalidSubscriptionStartup() {
	}

	/**
	 * Runs the context and asserts that it fails with an {@link InvalidSubscriptionException} whose message contains
	 * every fragment.
	 * @param runner the context to start
	 * @param fragments what the message must contain
	 */
	static void assertFails(ApplicationContextRunner runner, String... fragments) {
		runner.run((context) -> {
			InvalidSubscriptionException failure = failure(context);
			for (String fragment : fragments) {
				assertThat(failure.getMessage()).contains(fragment);
			}
		});
	}

	/**
	 * The exception that stopped the context, asserting that it failed and that one is among the causes.
	 * @param context the started context
	 * @return the exception
	 */
	static InvalidSubscriptionException failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (!(failure instanceof InvalidSubscriptionException) && failure.getCause() != null) {
			failure = failure.getCause();
		}
		assertThat(failure).isInstanceOf(InvalidSubscriptionException.class);
		return (InvalidSubscriptionException) failure;
	}

}
