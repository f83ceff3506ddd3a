package io.github.esdb.embedded;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import io.github.esdb.embedded.store.EventStore;
import io.grpc.BindableService;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;

/**
 * What a {@link ServiceFactory} gets from the running server.
 */
public interface ServiceContext {

	/**
	 * The store shared by every service; it survives restarts.
	 * @return the store
	 */
	EventStore store();

	/**
	 * The server's executor for delivery work (subscription pumps). Do not block in it for long.
	 * @return the executor, shut down when the server stops
	 */
	ScheduledExecutorService executor();

	/**
	 * Where work that evaluates user-supplied regular expressions (e.g. {@code $all} filters) runs: separate
	 * threads, so a pathological expression never delays the calls served by {@link #executor()}.
	 * @return the executor, shut down when the server stops; {@link #executor()} unless the server provides one
	 */
	default Executor filterExecutor() {
		return executor();
	}

	/**
	 * Registers a callback run when the server stops, before the transport closes: end your long-running calls
	 * there with {@code UNAVAILABLE}, as a real node does on shutdown.
	 * @param callback the callback
	 */
	void onStop(Runnable callback);

	/**
	 * Keeps only the given methods of a generated service, so unimplemented methods are neither bound nor
	 * advertised through ServerFeatures (calls to them still get UNIMPLEMENTED).
	 * @param service the service
	 * @param methodNames the bare method names to keep, e.g. {@code "Read"}
	 * @return a service exposing just those methods
	 */
	static BindableService implementedOnly(BindableService service, Set<String> methodNames) {
		ServerServiceDefinition definition = service.bindService();
		ServerServiceDefinition.Builder builder = ServerServiceDefinition
			.builder(definition.getServiceDescriptor().getName());
		for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
			if (methodNames.contains(method.getMethodDescriptor().getBareMethodName())) {
				builder.addMethod(method);
			}
		}
		ServerServiceDefinition filtered = builder.build();
		return () -> filtered;
	}

}
