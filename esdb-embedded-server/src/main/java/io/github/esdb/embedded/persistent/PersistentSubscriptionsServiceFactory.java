package io.github.esdb.embedded.persistent;

import java.util.Set;

import io.github.esdb.embedded.ServiceContext;
import io.github.esdb.embedded.grpc.AccessControl;
import io.github.esdb.embedded.ServiceFactory;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/**
 * Registers persistent subscriptions on the embedded server. Each start loads the groups saved in the store and
 * resumes them from their checkpoints; stopping the server ends open {@code Read} calls with UNAVAILABLE.
 */
public final class PersistentSubscriptionsServiceFactory implements ServiceFactory {

	private static final Set<String> METHODS = Set.of("Create", "Update", "Delete", "Read", "GetInfo", "ReplayParked",
			"List", "RestartSubsystem");

	@Override
	public BindableService create(ServiceContext context) {
		PersistentSubscriptionManager manager = new PersistentSubscriptionManager(context.store(),
				context.executor(), context.filterExecutor());
		manager.start();
		context.onStop(manager::stop);
		ServerServiceDefinition definition = ServerInterceptors.intercept(
				ServiceContext.implementedOnly(new PersistentSubscriptionsService(manager, new AccessControl(context.store())), METHODS),
				new CallInfo.Interceptor());
		return () -> definition;
	}

}
