package io.github.esdb.embedded.grpc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamReadResult;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real node's legacy access rules ({@code LegacyPolicySelectorFactory} with its
 * {@code LegacyStreamPermissionAssertion}), for the calls of a secure node:
 * <ul>
 * <li>the user {@code admin} and members of {@code $admins} may do everything on every stream;</li>
 * <li>nobody may write to or delete {@code $all};</li>
 * <li>otherwise each of {@code $r}, {@code $w}, {@code $d}, {@code $mr}, {@code $mw} comes from the stream's own
 * {@code $acl} (its metadata), else from {@code $userStreamAcl} or {@code $systemStreamAcl} of the last
 * {@code $settings} event (system streams are those starting with {@code $}, {@code $all} included), else from the
 * built-in default: everyone for user streams, {@code $admins} for system streams;</li>
 * <li>a role is a user name, a group, or {@code $all} for every authenticated user; a role given as a string or an
 * array; an empty array grants nobody but admins;</li>
 * <li>reading or appending to {@code $$name} is a metadata read or write of {@code name};</li>
 * <li>persistent-subscription create, update, delete, replay-parked and restart, and the control of continuous
 * projections, need {@code admin}, {@code ops}, {@code $admins} or {@code $ops}.</li>
 * </ul>
 * A call without a {@link Principal} comes from an insecure node, where everything is allowed. Denials are answered
 * as the real node answers them: {@code PERMISSION_DENIED} with the trailer {@code exception: access-denied}.
 */
public final class AccessControl {

	private static final Logger logger = LoggerFactory.getLogger(AccessControl.class);

	private static final String ALL = "$all";

	private static final String SETTINGS_STREAM = "$settings";

	private static final String METASTREAM_PREFIX = "$$";

	private final ObjectMapper json = new ObjectMapper();

	private final EventStore store;

	/**
	 * Creates the access rules over a store's metadata and {@code $settings}.
	 * @param store the store
	 */
	public AccessControl(EventStore store) {
		this.store = store;
	}

	/**
	 * Throws the real node's access-denied answer unless the current user may perform the operation. Reading or
	 * writing a metastream is checked as the metadata operation of its stream.
	 * @param stream the stream, {@code $all} for the log
	 * @param access the operation
	 * @throws StatusRuntimeException PERMISSION_DENIED with {@code exception: access-denied}
	 */
	public void check(String stream, StreamAccess access) {
		if (!allowed(Principal.current(), stream, access)) {
			throw Errors.accessDenied();
		}
	}

	/**
	 * Whether the current user may perform the operation (see {@link #check}).
	 * @param stream the stream
	 * @param access the operation
	 * @return true when allowed (always on an insecure node)
	 */
	public boolean allows(String stream, StreamAccess access) {
		return allowed(Principal.current(), stream, access);
	}

	/**
	 * Throws the access-denied answer unless the current user is {@code admin}, {@code ops} or in {@code $admins}
	 * or {@code $ops}: the real node's rule for persistent-subscription management and projection control.
	 * @throws StatusRuntimeException PERMISSION_DENIED with {@code exception: access-denied}
	 */
	public void checkOperationsOrAdmins() {
		Principal principal = Principal.current();
		if (principal != null && !principal.isOperationsOrAdmin()) {
			logger.debug("Access denied to {}: needs $ops or $admins", principal.name());
			throw Errors.accessDenied();
		}
	}

	private boolean allowed(Principal principal, String stream, StreamAccess access) {
		if (principal == null) {
			return true;
		}
		String target = stream.isEmpty() ? ALL : stream;
		if (ALL.equals(target) && (access == StreamAccess.WRITE || access == StreamAccess.DELETE)) {
			return false;
		}
		StreamAccess action = access;
		if (target.startsWith(METASTREAM_PREFIX)) {
			action = switch (access) {
				case READ -> StreamAccess.METADATA_READ;
				case WRITE -> StreamAccess.METADATA_WRITE;
				default -> null;
			};
			if (action == null) {
				return false;
			}
			target = target.substring(METASTREAM_PREFIX.length());
		}
		if (principal.isAdmin()) {
			return true;
		}
		List<String> roles = roles(target, action);
		boolean allowed = roles.contains(ALL) || roles.stream().anyMatch(principal::has);
		if (!allowed) {
			logger.debug("Access denied to {}: {} of stream {}", principal.name(), action.description(), target);
		}
		return allowed;
	}

	/** The roles granted the operation: the stream's ACL, else the settings' default ACL, else the built-in one. */
	private List<String> roles(String stream, StreamAccess action) {
		List<String> roles = roles(acl(lastEventData(METASTREAM_PREFIX + stream), "$acl"), action);
		if (roles != null) {
			return roles;
		}
		boolean system = stream.startsWith("$");
		roles = roles(acl(lastEventData(SETTINGS_STREAM), system ? "$systemStreamAcl" : "$userStreamAcl"), action);
		if (roles != null) {
			return roles;
		}
		return List.of(system ? Principal.ADMINS : ALL);
	}

	private static JsonNode acl(JsonNode document, String field) {
		return (document != null && document.isObject()) ? document.get(field) : null;
	}

	/** One role as a string or several as an array; null when the ACL does not say (then the next one decides). */
	private static List<String> roles(JsonNode acl, StreamAccess action) {
		if (acl == null || !acl.isObject()) {
			return null;
		}
		JsonNode value = acl.get(action.aclKey());
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isTextual()) {
			return List.of(value.asText());
		}
		List<String> roles = new ArrayList<>();
		if (value.isArray()) {
			value.forEach((role) -> {
				if (role.isTextual()) {
					roles.add(role.asText());
				}
			});
		}
		return roles;
	}

	private JsonNode lastEventData(String stream) {
		StreamReadResult result = this.store.readStream(stream, Long.MAX_VALUE, false, 1);
		if (!(result instanceof StreamReadResult.Events events) || events.events().isEmpty()) {
			return null;
		}
		StoredEvent event = events.events().get(0);
		try {
			return this.json.readTree(event.data());
		}
		catch (IOException ex) {
			// Metadata or settings that are not JSON grant nothing special, like on a real node.
			return null;
		}
	}

}
