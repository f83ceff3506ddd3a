package io.github.esdb.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidEsdbConfigurationException} into a start-up report that names the property and shows a
 * correct example.
 */
class InvalidEsdbConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEsdbConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEsdbConfigurationException cause) {
		String description = "The KurrentDB connection is misconfigured.\n\n    Property: " + cause.getProperty()
				+ "\n    Problem:  " + cause.getProblem();
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
