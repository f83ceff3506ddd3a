package io.github.esdb.embedded.persistent;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Who is calling, for the per-connection statistics: the peer address, the Basic-auth user name and the
 * {@code connection-name} header ({@code <unknown>} when absent, as on the real server).
 *
 * @param from the peer address
 * @param username the user name, empty when anonymous
 * @param connectionName the connection name
 */
record CallInfo(String from, String username, String connectionName) {

	static final Context.Key<CallInfo> KEY = Context.key("persistent-subscription-call-info");

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> CONNECTION_NAME = Metadata.Key.of("connection-name",
			Metadata.ASCII_STRING_MARSHALLER);

	static CallInfo current() {
		CallInfo info = KEY.get();
		return (info != null) ? info : new CallInfo("", "", "<unknown>");
	}

	/** Captures the call information into the gRPC context of every call. */
	static final class Interceptor implements ServerInterceptor {

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
				ServerCallHandler<Q, R> next) {
			SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
			String name = headers.get(CONNECTION_NAME);
			CallInfo info = new CallInfo(peer != null ? peer.toString().replaceFirst("^/", "") : "",
					username(headers.get(AUTHORIZATION)), (name != null) ? name : "<unknown>");
			return Contexts.interceptCall(Context.current().withValue(KEY, info), call, headers, next);
		}

		private static String username(String header) {
			if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
				return "";
			}
			try {
				String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
						StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				return (colon > 0) ? decoded.substring(0, colon) : "";
			}
			catch (IllegalArgumentException ex) {
				return "";
			}
		}

	}

}
