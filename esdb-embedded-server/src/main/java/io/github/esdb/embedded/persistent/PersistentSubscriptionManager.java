package io.github.esdb.embedded.persistent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.embedded.persistent.PersistentSubscriptionException.Kind;
import io.github.esdb.embedded.store.EventStore;

/**
 * The registry of groups (the real server's {@code PersistentSubscriptionService}): management operations, the
 * persisted configuration, and the subsystem lifecycle. Pure Java over the store, no gRPC.
 */
public final class PersistentSubscriptionManager {

	private static final Logger logger = LoggerFactory.getLogger(PersistentSubscriptionManager.class);

	private final EventStore store;

	private final ScheduledExecutorService executor;

	private final Executor filterExecutor;

	private final GroupConfigStore config;

	/** By key, in creation order (List answers in that order). */
	private final Map<String, PersistentSubscriptionGroup> groups = new LinkedHashMap<>();

	private boolean stopped;

	/**
	 * Creates a manager; call {@link #start()} to load the saved groups.
	 * @param store the store holding events, configuration, checkpoints and parked messages
	 * @param executor runs pushes and timers
	 */
	public PersistentSubscriptionManager(EventStore store, ScheduledExecutorService executor) {
		this(store, executor, executor);
	}

	/**
	 * Creates a manager; call {@link #start()} to load the saved groups.
	 * @param store the store holding events, configuration, checkpoints and parked messages
	 * @param executor runs pushes and timers
	 * @param filterExecutor where groups filtered by a regex read their source, so a pathological expression never
	 * holds a thread that serves other calls
	 */
	public PersistentSubscriptionManager(EventStore store, ScheduledExecutorService executor,
			Executor filterExecutor) {
		this.store = store;
		this.executor = executor;
		this.filterExecutor = filterExecutor;
		this.config = new GroupConfigStore(store);
	}

	private PersistentSubscriptionGroup startGroup(GroupDefinition definition) {
		return PersistentSubscriptionGroup.start(definition, this.store, this.executor, this.filterExecutor);
	}

	/** Loads the saved groups and starts them from their checkpoints. */
	public synchronized void start() {
		for (GroupDefinition definition : this.config.load()) {
			this.groups.put(definition.key(), startGroup(definition));
		}
		logger.debug("Started {} persistent subscription group(s)", this.groups.size());
	}

	/**
	 * Creates a group.
	 * @param definition the definition
	 * @throws PersistentSubscriptionException when it exists or the settings are invalid
	 */
	public synchronized void create(GroupDefinition definition) {
		if (this.groups.containsKey(definition.key())) {
			throw new PersistentSubscriptionException(Kind.ALREADY_EXISTS, definition.stream(), definition.group(),
					"Subscription group " + definition.group() + " on stream " + definition.stream()
							+ " already exists");
		}
		validate(definition);
		this.groups.put(definition.key(), startGroup(definition));
		saveConfig();
	}

	/**
	 * Replaces a group's settings: its subscribers are dropped and it restarts from its checkpoint.
	 * @param definition the new definition
	 * @throws PersistentSubscriptionException when it does not exist or the settings are invalid
	 */
	public synchronized void update(GroupDefinition definition) {
		PersistentSubscriptionGroup current = require(definition.stream(), definition.group());
		validate(definition);
		// An update cannot change the filter (UpdateReq has none): keep the one the group was created with.
		GroupDefinition merged = new GroupDefinition(definition.stream(), definition.group(), definition.startFrom(),
				definition.startPrepare(), current.definition().filter(), definition.settings());
		current.stop(Subscriber.DropReason.UNSUBSCRIBED);
		this.groups.put(merged.key(), startGroup(merged));
		saveConfig();
	}

	/**
	 * Deletes a group, dropping its subscribers and removing its checkpoint and parked streams.
	 * @param stream the stream or {@code $all}
	 * @param group the group
	 * @throws PersistentSubscriptionException when it does not exist
	 */
	public synchronized void delete(String stream, String group) {
		PersistentSubscriptionGroup current = require(stream, group);
		this.groups.remove(GroupDefinition.key(stream, group));
		current.stop(Subscriber.DropReason.DELETED);
		current.deleteStreams();
		saveConfig();
	}

	/**
	 * Finds a running group.
	 * @param stream the stream or {@code $all}
	 * @param group the group
	 * @return the group
	 * @throws PersistentSubscriptionException when it does not exist
	 */
	public synchronized PersistentSubscriptionGroup require(String stream, String group) {
		PersistentSubscriptionGroup found = this.stopped ? null : this.groups.get(GroupDefinition.key(stream, group));
		if (found == null) {
			throw new PersistentSubscriptionException(Kind.NOT_FOUND, stream, group,
					"Subscription group " + group + " on stream " + stream + " does not exist");
		}
		return found;
	}

	/**
	 * Statistics of every group.
	 * @return one entry per group, possibly none
	 */
	public List<GroupInfo> list() {
		List<PersistentSubscriptionGroup> snapshot;
		synchronized (this) {
			snapshot = new ArrayList<>(this.groups.values());
		}
		List<GroupInfo> infos = new ArrayList<>(snapshot.size());
		snapshot.forEach((group) -> infos.add(group.info()));
		return infos;
	}

	/**
	 * Statistics of the groups of one stream.
	 * @param stream the stream or {@code $all}
	 * @return one entry per group
	 * @throws PersistentSubscriptionException when the stream has no group (the real server's answer)
	 */
	public List<GroupInfo> list(String stream) {
		List<GroupInfo> infos = new ArrayList<>();
		for (GroupInfo info : list()) {
			if (info.definition().stream().equals(stream)) {
				infos.add(info);
			}
		}
		if (infos.isEmpty()) {
			throw new PersistentSubscriptionException(Kind.NOT_FOUND, stream, "",
					"No subscription groups on stream " + stream);
		}
		return infos;
	}

	/** Restarts the subsystem: every subscriber is dropped and every group reloads from its checkpoint. */
	public synchronized void restart() {
		stopGroups(Subscriber.DropReason.UNSUBSCRIBED);
		start();
	}

	/** Stops every group, ending subscribers with the shutdown reason. */
	public synchronized void stop() {
		this.stopped = true;
		stopGroups(Subscriber.DropReason.SHUTDOWN);
	}

	private void stopGroups(Subscriber.DropReason reason) {
		for (PersistentSubscriptionGroup group : this.groups.values()) {
			group.stop(reason);
		}
		this.groups.clear();
	}

	private void validate(GroupDefinition definition) {
		String failure = definition.settings().validate();
		if (failure != null) {
			throw new PersistentSubscriptionException(Kind.FAILED, definition.stream(), definition.group(), failure);
		}
	}

	private void saveConfig() {
		List<GroupDefinition> definitions = new ArrayList<>();
		this.groups.values().forEach((group) -> definitions.add(group.definition()));
		this.config.save(definitions);
	}

}
