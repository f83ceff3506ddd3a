package io.github.esdb.autoconfigure.subscription;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.github.esdb.autoconfigure.subscription.SubscriptionProperties.CoordinationMode;

/**
 * Matches when some subscription is coordinated across instances with the mode given as the annotation's value, or
 * with any mode but {@code none} when there is none: {@code esdb.subscriptions.coordination.mode} or some
 * {@code esdb.subscriptions.by-id.<id>.coordination.mode}.
 */
class OnCoordinationCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnCoordination.class.getName());
		CoordinationMode wanted = (attributes != null) ? (CoordinationMode) attributes.get("value") : CoordinationMode.NONE;
		Binder binder = Binder.get(context.getEnvironment());
		CoordinationMode mode = binder.bind("esdb.subscriptions.coordination.mode", CoordinationMode.class)
			.orElse(CoordinationMode.NONE);
		if (matches(mode, wanted)) {
			return ConditionOutcome.match("esdb.subscriptions.coordination.mode is " + mode);
		}
		Map<String, SubscriptionProperties.ById> byId = binder
			.bind("esdb.subscriptions.by-id", Bindable.mapOf(String.class, SubscriptionProperties.ById.class))
			.orElse(Map.of());
		for (Map.Entry<String, SubscriptionProperties.ById> entry : byId.entrySet()) {
			CoordinationMode own = entry.getValue().getCoordination().getMode();
			if (own != null && matches(own, wanted)) {
				return ConditionOutcome
					.match("esdb.subscriptions.by-id." + entry.getKey() + ".coordination.mode is " + own);
			}
		}
		return ConditionOutcome.noMatch("no subscription is coordinated" + ((wanted != CoordinationMode.NONE)
				? " with mode " + wanted : ""));
	}

	private static boolean matches(CoordinationMode mode, CoordinationMode wanted) {
		return (wanted == CoordinationMode.NONE) ? mode != CoordinationMode.NONE : mode == wanted;
	}

}
