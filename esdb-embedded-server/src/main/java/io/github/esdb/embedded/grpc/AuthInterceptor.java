package io.github.esdb.embedded.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Basic authentication for a secure node: a call without valid {@code authorization: Basic ...} credentials ends
 * with UNAUTHENTICATED before reaching the service. ServerFeatures and Gossip stay anonymous because the client
 * calls them without credentials during connection setup (a refusal there would shut the client down). Messages
 * never echo the presented credentials. An authenticated call carries its {@link Principal} (name and groups) in the
 * gRPC context, for {@link AccessControl}.
 */
public final class AuthInterceptor implements ServerInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(AuthInterceptor.class);

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Set<String> ANONYMOUS_SERVICES = Set.of("event_store.client.server_features.ServerFeatures",
			"event_store.client.gossip.Gossip");

	private final Map<String, byte[]> users;

	private final Map<String, Set<String>> groups;

	/**
	 * Creates the interceptor for users without groups.
	 * @param users user name to password
	 */
	public AuthInterceptor(Map<String, String> users) {
		this(users, Map.of());
	}

	/**
	 * Creates the interceptor.
	 * @param users user name to password
	 * @param groups user name to the user's groups (users not listed have none)
	 */
	public AuthInterceptor(Map<String, String> users, Map<String, Set<String>> groups) {
		this.users = new HashMap<>();
		users.forEach((user, password) -> this.users.put(user, password.getBytes(StandardCharsets.UTF_8)));
		this.groups = Map.copyOf(groups);
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		if (ANONYMOUS_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
			return next.startCall(call, headers);
		}
		String header = headers.get(AUTHORIZATION);
		String failure = check(header);
		if (failure != null) {
			logger.debug("Rejected {}: {}", call.getMethodDescriptor().getFullMethodName(), failure);
			call.close(Status.UNAUTHENTICATED.withDescription(failure), new Metadata());
			return new ServerCall.Listener<>() {
			};
		}
		String user = userName(header);
		Principal principal = new Principal(user, this.groups.getOrDefault(user, Set.of()));
		return Contexts.interceptCall(Context.current().withValue(Principal.KEY, principal), call, headers, next);
	}

	/** The user name of a header that {@link #check} accepted. */
	private static String userName(String header) {
		String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
		return decoded.substring(0, decoded.indexOf(':'));
	}

	private String check(String header) {
		if (header == null) {
			return "Authentication required: no credentials were sent.";
		}
		if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
			return "Authentication required: only Basic credentials are supported.";
		}
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return "Invalid credentials: malformed Basic authorization header.";
		}
		int colon = decoded.indexOf(':');
		if (colon < 0) {
			return "Invalid credentials: malformed Basic authorization header.";
		}
		String user = decoded.substring(0, colon);
		byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
		byte[] expected = this.users.get(user);
		if (expected == null || !MessageDigest.isEqual(expected, password)) {
			return "Invalid credentials for the given user.";
		}
		return null;
	}

}
