package io.github.esdb.autoconfigure.embedded;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application says nothing about where KurrentDB is: neither {@code esdb.connection-string} nor
 * {@code esdb.hosts} is set. That is when the embedded server stands in, as Spring Boot starts an embedded database
 * when no URL is configured.
 */
class OnNoConnectionConfiguredCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		for (String property : new String[] { "esdb.connection-string", "esdb.hosts", "esdb.hosts[0]" }) {
			if (environment.containsProperty(property)) {
				return ConditionOutcome.noMatch(property + " is set");
			}
		}
		return ConditionOutcome.match("no esdb.connection-string or esdb.hosts is set");
	}

}
