package io.github.esdb.autoconfigure.subscription;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.esdb.subscription.InvalidSubscriptionException;

/**
 * Turns an {@link InvalidSubscriptionException} (a wrongly declared {@code @EventSubscription}, found while the
 * context starts) into a start-up report with the problem as its description and the fix as its action, instead of
 * the stack trace of the bean creation that found it.
 */
class InvalidSubscriptionFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSubscriptionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSubscriptionException cause) {
		String description = "A KurrentDB subscription is declared wrongly.\n\n    Problem: " + cause.getProblem();
		String action = (cause.getAction() != null) ? capitalize(cause.getAction())
				: "Fix the @EventSubscription (or the programmatic registration) named above.";
		return new FailureAnalysis(description, action, cause);
	}

	private static String capitalize(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1)
				+ (text.endsWith(".") ? "" : ".");
	}

}
