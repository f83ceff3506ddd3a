package io.github.esdb.embedded.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Exposes the call's {@code :authority} (the host:port the client dialled) to {@link GossipService}. */
public final class AuthorityInterceptor implements ServerInterceptor {

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		String authority = call.getAuthority();
		Context context = Context.current().withValue(GossipService.AUTHORITY, (authority != null) ? authority : "");
		return Contexts.interceptCall(context, call, headers, next);
	}

}
