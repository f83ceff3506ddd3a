package io.github.esdb.embedded.grpc;

import java.util.Set;

import io.grpc.Context;

/**
 * The authenticated user of a call on a secure node: its name and groups ({@code $admins}, {@code $ops}, or groups
 * given to a configured user). The authentication interceptor puts it into the call's gRPC context; an insecure node
 * has none, and then nothing is checked.
 *
 * @param name the user name
 * @param groups the groups the user belongs to
 */
public record Principal(String name, Set<String> groups) {

	/** Where the interceptor keeps the principal for the call's handlers. */
	static final Context.Key<Principal> KEY = Context.key("esdb-embedded-principal");

	/** The group whose members may do everything, like the user {@code admin}. */
	public static final String ADMINS = "$admins";

	/** The group allowed the operational calls (persistent-subscription management, projection control). */
	public static final String OPS = "$ops";

	/**
	 * Creates the principal.
	 * @param name the user name
	 * @param groups the groups
	 */
	public Principal {
		groups = Set.copyOf(groups);
	}

	/**
	 * The principal of the current call.
	 * @return the principal, null on an insecure node
	 */
	public static Principal current() {
		return KEY.get();
	}

	/**
	 * The real node's admin check: the user {@code admin} or a member of {@code $admins}.
	 * @return whether the user bypasses stream ACLs
	 */
	public boolean isAdmin() {
		return "admin".equals(this.name) || this.groups.contains(ADMINS);
	}

	/**
	 * The real node's "operations or admins" check: the users {@code admin} and {@code ops}, or a member of
	 * {@code $admins} or {@code $ops}.
	 * @return whether the user may run operational calls
	 */
	public boolean isOperationsOrAdmin() {
		return isAdmin() || "ops".equals(this.name) || this.groups.contains(OPS);
	}

	/**
	 * Whether an ACL role names this user: its name or one of its groups ({@code $all} is handled by the caller).
	 * @param role the role from an ACL
	 * @return true on a match
	 */
	boolean has(String role) {
		return this.name.equals(role) || this.groups.contains(role);
	}

}
