package io.github.esdb.embedded.grpc;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethod;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethods;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * ServerFeatures/GetSupportedMethods: the server version and one entry per bound method of every client-facing
 * service (name contains {@code client} or {@code kurrentdb.protocol}), lower-cased, with the feature strings the
 * real server attaches. The list comes from the services actually registered, so added services appear by
 * themselves.
 */
public final class ServerFeaturesService extends ServerFeaturesGrpc.ServerFeaturesImplBase {

	/** The version reported to clients; at least 25.0 enables multi-stream append in the client. */
	public static final String VERSION = "25.1.0";

	private static final String PERSISTENT = "event_store.client.persistent_subscriptions.persistentsubscriptions";

	private final Supplier<List<ServerServiceDefinition>> services;

	/**
	 * Creates the service.
	 * @param services the bound services (read at each call)
	 */
	public ServerFeaturesService(Supplier<List<ServerServiceDefinition>> services) {
		this.services = services;
	}

	@Override
	public void getSupportedMethods(Shared.Empty request, StreamObserver<SupportedMethods> responseObserver) {
		SupportedMethods.Builder response = SupportedMethods.newBuilder().setEventStoreServerVersion(VERSION);
		for (ServerServiceDefinition service : this.services.get()) {
			String serviceName = service.getServiceDescriptor().getName().toLowerCase(Locale.ROOT);
			if (!serviceName.contains("client") && !serviceName.contains("kurrentdb.protocol")) {
				continue;
			}
			for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
				String methodName = method.getMethodDescriptor().getBareMethodName().toLowerCase(Locale.ROOT);
				SupportedMethod.Builder entry = SupportedMethod.newBuilder()
					.setServiceName(serviceName)
					.setMethodName(methodName);
				if (serviceName.equals(PERSISTENT)) {
					entry.addFeatures("stream").addFeatures("all");
				}
				else if (serviceName.equals("event_store.client.streams.streams") && methodName.equals("read")) {
					entry.addFeatures("position").addFeatures("events");
				}
				else if (serviceName.equals("event_store.client.streams.streams") && methodName.equals("batchappend")) {
					entry.addFeatures("deadline_duration");
				}
				else if (serviceName.equals("event_store.client.projections.projections")
						&& methodName.equals("create")) {
					entry.addFeatures("track_emitted_streams");
				}
				response.addMethods(entry);
			}
		}
		responseObserver.onNext(response.build());
		responseObserver.onCompleted();
	}

}
