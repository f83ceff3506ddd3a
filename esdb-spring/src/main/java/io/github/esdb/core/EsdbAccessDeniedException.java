package io.github.esdb.core;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.PermissionDeniedDataAccessException;

/**
 * The server refused the operation to the configured user (gRPC {@code PERMISSION_DENIED}, {@code exception:
 * access-denied}): the user is authenticated but the stream's {@code $acl}, the default ACLs in {@code $settings}, or
 * the node's rules ({@code $admins} only for system streams and {@code $all}, {@code $ops} or {@code $admins} for
 * persistent-subscription management) do not grant it. Retrying does not help until the rights change. The message
 * names the operation and the stream, never the credentials.
 */
public class EsdbAccessDeniedException extends PermissionDeniedDataAccessException {

	private final @Nullable String operation;

	/**
	 * Create the exception.
	 * @param operation what was refused, for example {@code "append to stream 'orders-1'"}; {@code null} if unknown
	 * @param cause the client's exception
	 */
	public EsdbAccessDeniedException(@Nullable String operation, Throwable cause) {
		super("Access denied" + ((operation != null) ? " for the " + operation : "")
				+ ": the KurrentDB user (esdb.username) lacks the right; grant it in the stream's $acl or the default "
				+ "ACLs of $settings, or use a user in $admins (system streams and $all) or $ops (persistent "
				+ "subscription management)", cause);
		this.operation = operation;
	}

	/**
	 * What was refused.
	 * @return for example {@code "append to stream 'orders-1'"}, or {@code null} if unknown
	 */
	public @Nullable String getOperation() {
		return this.operation;
	}

}
