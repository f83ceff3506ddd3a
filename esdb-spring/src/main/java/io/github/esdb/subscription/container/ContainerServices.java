package io.github.esdb.subscription.container;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.event.CurrentEvent;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionObserver;

/**
 * What containers need from the application, gathered so that adding a part does not change every constructor.
 *
 * @param clients the KurrentDB clients
 * @param contexts builds event contexts
 * @param currentEvent the holder set around handler calls
 * @param observer the (composite) observer
 * @param catchUpErrorPolicy what catch-up subscriptions do on handler errors
 * @param persistentErrorPolicy how persistent subscriptions nack handler errors
 * @param checkpointStores the checkpoint store for a bean name ({@code null} for the default)
 * @param settings the shared tuning
 * @param interceptor wraps every handler invocation
 * @param taskExecutor runs each subscription's worker
 * @param payloads reads an event's payload for partition keys ({@code null} when no class is known for its type)
 * @param checkpointStoresById the checkpoint store of named subscriptions, overriding what they say
 * @param transactionManagers the transaction manager for a bean name ({@code null} for the only or primary one);
 * throws an exception whose message says why when there is none
 * @param checkpointStoreDecorator wraps the checkpoint store of each container as it is created (the fencing of
 * coordinated subscriptions)
 */
record ContainerServices(KurrentDBClientProvider clients, EventContextFactory contexts, CurrentEvent currentEvent,
		SubscriptionObserver observer, CatchUpErrorPolicy catchUpErrorPolicy,
		PersistentErrorPolicy persistentErrorPolicy, Function<String, CheckpointStore> checkpointStores,
		ContainerSettings settings, EventHandlerInterceptor interceptor, TaskExecutor taskExecutor,
		BiFunction<ResolvedEvent, EventContext, @Nullable Object> payloads,
		Map<String, CheckpointStore> checkpointStoresById,
		Function<@Nullable String, PlatformTransactionManager> transactionManagers,
		BiFunction<SubscriptionEndpoint, CheckpointStore, CheckpointStore> checkpointStoreDecorator) {

	/** The services with the checkpoint stores as they are. */
	ContainerServices(KurrentDBClientProvider clients, EventContextFactory contexts, CurrentEvent currentEvent,
			SubscriptionObserver observer, CatchUpErrorPolicy catchUpErrorPolicy,
			PersistentErrorPolicy persistentErrorPolicy, Function<String, CheckpointStore> checkpointStores,
			ContainerSettings settings, EventHandlerInterceptor interceptor, TaskExecutor taskExecutor,
			BiFunction<ResolvedEvent, EventContext, @Nullable Object> payloads,
			Map<String, CheckpointStore> checkpointStoresById,
			Function<@Nullable String, PlatformTransactionManager> transactionManagers) {
		this(clients, contexts, currentEvent, observer, catchUpErrorPolicy, persistentErrorPolicy, checkpointStores,
				settings, interceptor, taskExecutor, payloads, checkpointStoresById, transactionManagers,
				(endpoint, store) -> store);
	}

	/**
	 * The checkpoint store of a catch-up subscription: a per-id setting, else the bean it names, else the default.
	 * @param endpoint the subscription
	 * @return the store
	 */
	CheckpointStore checkpointStoreOf(SubscriptionEndpoint endpoint) {
		CheckpointStore byId = this.checkpointStoresById.get(endpoint.id());
		return this.checkpointStoreDecorator.apply(endpoint,
				(byId != null) ? byId : this.checkpointStores.apply(endpoint.checkpointStore()));
	}

}
