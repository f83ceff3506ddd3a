package io.github.esdb.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.esdb.subscription.InvalidSubscriptionException;

/**
 * Turns an {@link InvalidSubscriptionException} into a start-up report: the message names the subscription (bean and
 * method, or id), says what is wrong and what to change.
 */
class InvalidSubscriptionFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSubscriptionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSubscriptionException cause) {
		return new FailureAnalysis("A KurrentDB subscription cannot work as declared:\n\n    " + cause.getMessage(),
				"Change the @EventSubscription, the programmatic SubscriptionEndpoint or the esdb.subscriptions.* "
						+ "properties as the description says.",
				cause);
	}

}
