package io.github.esdb.autoconfigure.subscription;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a subscription keeps its checkpoints in the JDBC store: {@code esdb.subscriptions.checkpoint.store=jdbc}
 * or some {@code esdb.subscriptions.by-id.<id>.checkpoint-store=jdbc}.
 */
class OnJdbcCheckpointStoreCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		SubscriptionProperties.StoreType store = binder
			.bind("esdb.subscriptions.checkpoint.store", SubscriptionProperties.StoreType.class)
			.orElse(SubscriptionProperties.StoreType.KURRENTDB);
		if (store == SubscriptionProperties.StoreType.JDBC) {
			return ConditionOutcome.match("esdb.subscriptions.checkpoint.store is jdbc");
		}
		Map<String, SubscriptionProperties.ById> byId = binder
			.bind("esdb.subscriptions.by-id", Bindable.mapOf(String.class, SubscriptionProperties.ById.class))
			.orElse(Map.of());
		for (Map.Entry<String, SubscriptionProperties.ById> entry : byId.entrySet()) {
			if (entry.getValue().getCheckpointStore() == SubscriptionProperties.StoreType.JDBC) {
				return ConditionOutcome
					.match("esdb.subscriptions.by-id." + entry.getKey() + ".checkpoint-store is jdbc");
			}
		}
		return ConditionOutcome.noMatch("no subscription keeps its checkpoints in the JDBC store");
	}

}
