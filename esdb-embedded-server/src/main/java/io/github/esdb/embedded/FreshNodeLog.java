package io.github.esdb.embedded;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.esdb.embedded.projections.SystemProjections;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;

/**
 * Writes the system events a new real node has in {@code $all} before any client writes, so code that filters
 * system events meets some: the default users {@code admin} ({@code $admins}) and {@code ops} ({@code $ops}), each as
 * a {@code $user} event in {@code $user-<name>} and a {@code $User} entry in {@code $users} (configured users other
 * than these follow, as users created on the node would), then, with projections, their registrations and
 * definitions. Password hashes are left out: the embedded server keeps no credentials in its log.
 */
final class FreshNodeLog {

	private static final byte[] EMPTY = new byte[0];

	private final ObjectMapper json = new ObjectMapper();

	private final EventStore store;

	FreshNodeLog(EventStore store) {
		this.store = store;
	}

	void write(Iterable<String> configuredUsers, SystemProjections projections) {
		Map<String, String[]> users = new LinkedHashMap<>();
		users.put("admin", new String[] { "Event Store Administrator", "$admins" });
		users.put("ops", new String[] { "Event Store Operations", "$ops" });
		for (String name : configuredUsers) {
			users.putIfAbsent(name, new String[] { name, null });
		}
		users.forEach((name, details) -> writeUser(name, details[0], details[1]));
		if (projections != null) {
			projections.writeRegistrations();
		}
	}

	private void writeUser(String name, String fullName, String group) {
		ObjectNode user = this.json.createObjectNode().put("loginName", name).put("fullName", fullName);
		user.put("disabled", false);
		if (group != null) {
			user.putArray("groups").add(group);
		}
		else {
			user.putArray("groups");
		}
		append("$user-" + name, "$user", true, user.toString().getBytes(StandardCharsets.UTF_8));
		append("$users", "$User", false, name.getBytes(StandardCharsets.UTF_8));
	}

	private void append(String stream, String type, boolean isJson, byte[] data) {
		this.store.append(stream, ExpectedRevision.ANY, List.of(new ProposedEvent(UUID.randomUUID(), type, isJson, data, EMPTY)));
	}

}
