package io.github.esdb.subscription.container;

import java.util.function.Function;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.CurrentEvent;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.subscription.SubscriptionObserver;

/**
 * What containers need from the application, gathered so that adding a container kind does not change every
 * constructor.
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
 */
public record ContainerServices(KurrentDBClientProvider clients, EventContextFactory contexts,
		CurrentEvent currentEvent, SubscriptionObserver observer, CatchUpErrorPolicy catchUpErrorPolicy,
		PersistentErrorPolicy persistentErrorPolicy, Function<String, CheckpointStore> checkpointStores,
		ContainerSettings settings, EventHandlerInterceptor interceptor) {

	/**
	 * Services without a handler interceptor.
	 * @param clients the KurrentDB clients
	 * @param contexts builds event contexts
	 * @param currentEvent the holder set around handler calls
	 * @param observer the (composite) observer
	 * @param catchUpErrorPolicy what catch-up subscriptions do on handler errors
	 * @param persistentErrorPolicy how persistent subscriptions nack handler errors
	 * @param checkpointStores the checkpoint store for a bean name ({@code null} for the default)
	 * @param settings the shared tuning
	 */
	public ContainerServices(KurrentDBClientProvider clients, EventContextFactory contexts, CurrentEvent currentEvent,
			SubscriptionObserver observer, CatchUpErrorPolicy catchUpErrorPolicy,
			PersistentErrorPolicy persistentErrorPolicy, Function<String, CheckpointStore> checkpointStores,
			ContainerSettings settings) {
		this(clients, contexts, currentEvent, observer, catchUpErrorPolicy, persistentErrorPolicy, checkpointStores,
				settings, EventHandlerInterceptor.none());
	}

}
