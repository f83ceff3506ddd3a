package io.github.esdb.embedded;

import io.grpc.BindableService;

/**
 * Creates an extra gRPC service that runs on the embedded server next to the built-in ones, on top of the same
 * store (for example persistent subscriptions). Register it with {@link EmbeddedEsdbServer.Builder#service}, or list
 * the implementation (public, no-argument constructor) in {@code META-INF/services/io.github.esdb.embedded.ServiceFactory}
 * to have every server pick it up (see {@link EmbeddedEsdbServer.Builder#discoverServices}).
 * <p>
 * The factory is called on every {@link EmbeddedEsdbServer#start()}: a stop/start cycle gets a fresh service
 * instance, while the store (and anything the factory itself keeps) survives. Every method of the returned service
 * is advertised through ServerFeatures, so return only implemented methods (see
 * {@link ServiceContext#implementedOnly}).
 */
@FunctionalInterface
public interface ServiceFactory {

	/**
	 * Creates the service.
	 * @param context the store, executor and lifecycle hooks of the running server
	 * @return the service to bind
	 */
	BindableService create(ServiceContext context);

}
