package io.github.esdb.embedded;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * Listed in the test META-INF/services: proves discovered factories are bound and advertised. It binds a service the
 * server does not have built in ({@code event_store.client.users.Users/Details}), answering UNIMPLEMENTED.
 */
public class TestUsersFactory implements ServiceFactory {

	static final String SERVICE = "event_store.client.users.Users";

	@Override
	public BindableService create(ServiceContext context) {
		MethodDescriptor<Shared.Empty, Shared.Empty> details = MethodDescriptor.<Shared.Empty, Shared.Empty>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Details"))
			.setRequestMarshaller(ProtoUtils.marshaller(Shared.Empty.getDefaultInstance()))
			.setResponseMarshaller(ProtoUtils.marshaller(Shared.Empty.getDefaultInstance()))
			.build();
		ServerServiceDefinition definition = ServerServiceDefinition.builder(SERVICE)
			.addMethod(details, ServerCalls.asyncUnaryCall(
					(request, response) -> response.onError(Status.UNIMPLEMENTED.asRuntimeException())))
			.build();
		return () -> definition;
	}

}
