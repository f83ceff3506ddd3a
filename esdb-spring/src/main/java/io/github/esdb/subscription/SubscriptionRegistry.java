package io.github.esdb.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.core.AppendResult;

/**
 * All subscriptions of the application, as a whole and one by one. It starts after the rest of the context (so the
 * handlers' dependencies are ready) and stops first (so in-flight handlers finish while those dependencies still
 * work). Subscriptions come from {@link EventSubscription @EventSubscription} or are registered programmatically.
 */
public class SubscriptionRegistry implements SmartLifecycle {

	/** The phase: late start, early stop, like Spring Kafka's listener containers. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionRegistry.class);

	private final SubscriptionContainerFactory containerFactory;

	private final Duration shutdownTimeout;

	private final @Nullable KurrentDBClientProvider clients;

	private final Map<String, SubscriptionContainer> containers = new LinkedHashMap<>();

	/** The reset handlers by subscription id, in the order they were added. */
	private final Map<String, List<SubscriptionResetHandler>> resetHandlers = new LinkedHashMap<>();

	private volatile boolean running;

	/**
	 * Create a registry.
	 * @param containerFactory creates a container per subscription
	 * @param shutdownTimeout how long a stop waits for in-flight handlers
	 */
	public SubscriptionRegistry(SubscriptionContainerFactory containerFactory, Duration shutdownTimeout) {
		this(containerFactory, shutdownTimeout, null);
	}

	/**
	 * Create a registry that can also tell, in {@link #awaitPosition}, when a filtered {@code $all} subscription
	 * never receives an append.
	 * @param containerFactory creates a container per subscription
	 * @param shutdownTimeout how long a stop waits for in-flight handlers
	 * @param clients supplies the client to read an append's stream with, {@code null} for none
	 */
	public SubscriptionRegistry(SubscriptionContainerFactory containerFactory, Duration shutdownTimeout,
			@Nullable KurrentDBClientProvider clients) {
		this.containerFactory = containerFactory;
		this.shutdownTimeout = shutdownTimeout;
		this.clients = clients;
	}

	/**
	 * Register a subscription; it starts at once when the registry runs and the endpoint auto-starts.
	 * @param endpoint what to subscribe to
	 * @throws InvalidSubscriptionException if the id is taken
	 */
	public void register(SubscriptionEndpoint endpoint) {
		SubscriptionContainer container;
		synchronized (this.containers) {
			SubscriptionContainer existing = this.containers.get(endpoint.id());
			if (existing != null) {
				throw new InvalidSubscriptionException("Duplicate subscription id '" + endpoint.id() + "': "
						+ endpoint.source() + " and " + existing.endpoint().source() + " both use it",
						"give one of them another id");
			}
			container = this.containerFactory.create(endpoint);
			this.containers.put(endpoint.id(), container);
		}
		if (this.running && endpoint.autoStartup()) {
			container.start();
		}
	}

	/**
	 * Subscribe a handler to a stream (catch-up, from the checkpoint or the start).
	 * @param id the subscription id
	 * @param stream the stream
	 * @param handler the handler
	 */
	public void subscribeToStream(String id, String stream, SubscriptionHandler handler) {
		register(SubscriptionEndpoint.toStream(id, stream).handler(handler).build());
	}

	/**
	 * Subscribe a handler to {@code $all} (catch-up, from the checkpoint or the start).
	 * @param id the subscription id
	 * @param filter a server-side filter, or {@code null}
	 * @param handler the handler
	 */
	public void subscribeToAll(String id, EventFilterSpec filter, SubscriptionHandler handler) {
		register(SubscriptionEndpoint.toAll(id).filter(filter).handler(handler).build());
	}

	/**
	 * Subscribe a handler to a persistent subscription group (created when missing and auto-create is on).
	 * @param id the subscription id
	 * @param stream the stream or {@code $all}
	 * @param group the group
	 * @param handler the handler
	 */
	public void subscribePersistent(String id, String stream, String group, SubscriptionHandler handler) {
		register(SubscriptionEndpoint.persistent(id, stream, group).handler(handler).build());
	}

	/**
	 * Stop a subscription and forget it.
	 * @param id the subscription id
	 * @param timeout how long to wait for the in-flight handler
	 * @return true if it stopped gracefully within the timeout
	 * @throws IllegalArgumentException if there is no such subscription
	 */
	public boolean unsubscribe(String id, Duration timeout) {
		SubscriptionContainer container = container(id);
		boolean graceful = container.stop(timeout);
		synchronized (this.containers) {
			this.containers.remove(id);
			this.resetHandlers.remove(id);
		}
		return graceful;
	}

	/**
	 * Start one subscription (also one that FAILED: it resumes at the event that failed).
	 * @param id the subscription id
	 */
	public void start(String id) {
		container(id).start();
	}

	/**
	 * Stop one subscription gracefully within {@code esdb.subscriptions.shutdown-timeout}.
	 * @param id the subscription id
	 * @return true if it stopped within the timeout
	 */
	public boolean stop(String id) {
		return stop(id, this.shutdownTimeout);
	}

	/**
	 * Stop one subscription gracefully.
	 * @param id the subscription id
	 * @param timeout how long to wait for the in-flight handler
	 * @return true if it stopped within the timeout
	 */
	public boolean stop(String id, Duration timeout) {
		return container(id).stop(timeout);
	}

	/**
	 * Stop a persistent subscription and delete its group on the server (parked events and the group's position go
	 * with it). Starting the subscription again creates the group anew when auto-creation is on.
	 * @param id the subscription id
	 * @throws IllegalArgumentException if there is no such subscription
	 * @throws IllegalStateException if it is not persistent or the server refused
	 */
	public void deleteGroup(String id) {
		SubscriptionContainer container = container(id);
		if (container.endpoint().kind() != SubscriptionKind.PERSISTENT) {
			throw new IllegalStateException("Subscription '" + id + "' is a catch-up subscription; it has no group");
		}
		container.stop(this.shutdownTimeout);
		try {
			container.deleteGroup();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not delete the group of subscription '" + id + "': " + ex, ex);
		}
	}

	/**
	 * How many events of a subscription are parked: for a catch-up subscription in its dead-letter stream
	 * ({@code $esdb-parked-<id>}), for a persistent one in its group's parked stream on the server.
	 * @param id the subscription id
	 * @return the count
	 * @throws IllegalArgumentException if there is no such subscription
	 * @throws IllegalStateException if the parked stream could not be read
	 */
	public long parkedCount(String id) {
		SubscriptionContainer container = container(id);
		return parkedOperation(id, "count the parked events", container::parkedCount);
	}

	/**
	 * A page of a subscription's parked events, oldest first.
	 * @param id the subscription id
	 * @param offset how many to pass over (0 for the oldest)
	 * @param limit how many at most
	 * @return the parked events
	 * @throws IllegalArgumentException if there is no such subscription, or the offset or limit is negative
	 * @throws IllegalStateException if the parked stream could not be read
	 */
	public List<ParkedEvent> parked(String id, int offset, int limit) {
		SubscriptionContainer container = container(id);
		if (offset < 0 || limit < 0) {
			throw new IllegalArgumentException("offset and limit must not be negative (got " + offset + " and "
					+ limit + ")");
		}
		return parkedOperation(id, "list the parked events", () -> container.parked(offset, limit));
	}

	/**
	 * Hand all of a subscription's parked events to its handler again. A catch-up subscription replays them on the
	 * caller's thread through its handler and error handling, and each leaves the parked stream once handled; a
	 * persistent group has the server deliver them to its consumers again.
	 * @param id the subscription id
	 * @return how many the replay took on
	 * @throws IllegalArgumentException if there is no such subscription
	 * @throws IllegalStateException if the replay could not run or the handler failed it
	 */
	public int replayParked(String id) {
		return replayParked(id, Integer.MAX_VALUE);
	}

	/**
	 * Hand the oldest parked events of a subscription to its handler again, as {@link #replayParked(String)} does.
	 * @param id the subscription id
	 * @param max how many at most
	 * @return how many the replay took on
	 * @throws IllegalArgumentException if there is no such subscription, or max is not positive
	 * @throws SubscriptionOwnedElsewhereException if it is coordinated and another instance holds its lease
	 * @throws IllegalStateException if the replay could not run or the handler failed it
	 */
	public int replayParked(String id, int max) {
		SubscriptionContainer container = container(id);
		if (max < 1) {
			throw new IllegalArgumentException("max must be at least 1 (got " + max + ")");
		}
		return parkedOperation(id, "replay the parked events", () -> container.replayParked(max));
	}

	/**
	 * Drop all of a subscription's parked events without handling them (the parked stream's truncate-before moves
	 * past them, as the server does after a replay).
	 * @param id the subscription id
	 * @return how many were dropped
	 * @throws IllegalArgumentException if there is no such subscription
	 * @throws IllegalStateException if the parked stream could not be read or written
	 */
	public long purgeParked(String id) {
		SubscriptionContainer container = container(id);
		return parkedOperation(id, "purge the parked events", container::purgeParked);
	}

	private <T> T parkedOperation(String id, String what, ParkedOperation<T> operation) {
		try {
			return operation.run();
		}
		catch (IllegalStateException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while trying to " + what + " of subscription '" + id + "'",
					ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not " + what + " of subscription '" + id + "': " + ex, ex);
		}
	}

	@FunctionalInterface
	private interface ParkedOperation<T> {

		T run() throws Exception;

	}

	/**
	 * Move a catch-up subscription to another position and replay from there: stop it (gracefully, within
	 * {@code esdb.subscriptions.shutdown-timeout}), find the checkpoint just before the target, call its
	 * {@link ResetHandler reset handlers} (to clear the read model), store that checkpoint, and start it again if it
	 * was running. A subscription that was stopped or failed stays so: its next start replays from the target.
	 * <p>
	 * The target is the first event replayed: {@link StartPosition#START} (every event, whatever {@code from} says),
	 * {@link StartPosition#END} (none of the events written so far), a stream revision (that event on), an
	 * {@code $all} position (the event at or after it on), or a point in time (the first event created at or after
	 * it). With checkpoints in the read model's transaction ({@code transactional}), the handlers' work and the new
	 * checkpoint commit in one transaction of the subscription's transaction manager. When a handler or the store
	 * fails, the subscription stays stopped, and the exception says why: call reset again once the cause is fixed.
	 * <p>
	 * A persistent subscription cannot be reset: the server keeps its group's position.
	 * @param id the subscription id
	 * @param to the target
	 * @return the checkpoint stored: the subscription replays the events after it
	 * @throws IllegalArgumentException if there is no such subscription, or the target does not fit it (a revision
	 * for {@code $all}, a position for a stream, a position where no event starts)
	 * @throws SubscriptionOwnedElsewhereException if it is coordinated and another instance holds its lease (nothing
	 * was reset; it stands by again here)
	 * @throws IllegalStateException if it is persistent, did not stop in time, or the reset failed
	 */
	public Checkpoint reset(String id, StartPosition to) {
		SubscriptionContainer container = container(id);
		if (container.endpoint().kind() == SubscriptionKind.PERSISTENT) {
			throw new IllegalStateException("Subscription '" + id + "' is persistent: the server keeps the position of"
					+ " group '" + container.endpoint().group() + "', and a reset is for catch-up subscriptions. To "
					+ "replay its stream, delete the group (deleteGroup(\"" + id + "\") or the esdbsubscriptions "
					+ "endpoint) and start the subscription: with esdb.subscriptions.persistent.auto-create the group "
					+ "is created again from the subscription's from (set from = \"start\" to replay everything)");
		}
		synchronized (container) {
			boolean wasRunning = container.isRunning();
			if (!container.stop(this.shutdownTimeout)) {
				throw new IllegalStateException("Subscription '" + id + "' did not stop within "
						+ "esdb.subscriptions.shutdown-timeout (" + this.shutdownTimeout + "); it was not reset");
			}
			Checkpoint checkpoint;
			try {
				checkpoint = container.reset(to, (subscriptionId, target) -> {
					for (SubscriptionResetHandler handler : resetHandlers(id)) {
						try {
							handler.reset(subscriptionId, target);
						}
						catch (Exception ex) {
							// Told apart from a target that does not fit, after which the subscription runs on.
							throw new IllegalStateException("reset handler " + handler + " failed: " + ex, ex);
						}
					}
				});
			}
			catch (IllegalArgumentException | SubscriptionOwnedElsewhereException ex) {
				// Nothing was reset: the subscription goes on as before (a coordinated one stands by again).
				restartIf(wasRunning, container);
				throw ex;
			}
			catch (Exception ex) {
				logger.error("Subscription '{}' could not be reset to {}; it stays stopped", id, to, ex);
				throw new IllegalStateException("Subscription '" + id + "' could not be reset to " + to + ": " + ex
						+ ". It stays stopped; call reset again once the cause is fixed", ex);
			}
			logger.info("Subscription '{}' reset to {}: it replays {}{}", id, to,
					checkpoint.isBeforeFirst() ? "from the first event" : "the events after " + checkpoint,
					wasRunning ? "" : " once it is started");
			restartIf(wasRunning, container);
			return checkpoint;
		}
	}

	private void restartIf(boolean wasRunning, SubscriptionContainer container) {
		if (wasRunning && this.running) {
			container.start();
		}
	}

	/**
	 * Add a handler that {@link #reset} calls before a subscription replays; {@link ResetHandler @ResetHandler}
	 * methods are added this way. Handlers are called in the order they were added.
	 * @param id the subscription id
	 * @param handler the handler
	 * @throws IllegalArgumentException if there is no such subscription
	 */
	public void addResetHandler(String id, SubscriptionResetHandler handler) {
		container(id);
		synchronized (this.containers) {
			this.resetHandlers.computeIfAbsent(id, (key) -> new ArrayList<>()).add(handler);
		}
	}

	private List<SubscriptionResetHandler> resetHandlers(String id) {
		synchronized (this.containers) {
			return List.copyOf(this.resetHandlers.getOrDefault(id, List.of()));
		}
	}

	/**
	 * Stop then start one subscription.
	 * @param id the subscription id
	 */
	public void restart(String id) {
		SubscriptionContainer container = container(id);
		container.stop(this.shutdownTimeout);
		container.start();
	}

	/**
	 * Wait until a subscription has processed an append, for read-your-writes: a controller that appended through
	 * {@code EsdbOperations} answers once its read model has the write.
	 * <p>
	 * "Processed" means the subscription's position has reached the append: the revision of its last event for a
	 * subscription to the append's stream, its log position for a subscription to {@code $all}. A {@code $all}
	 * subscription whose server-side filter (given, or derived from its handlers' event types) lets none of the
	 * append's events through has nothing to process: it has processed the append once it has handled every event of
	 * the same stream up to the append that it does receive, which is at once when there is none (this reads the
	 * append's stream, backwards from the append, down to the subscription's position). The server's filter
	 * checkpoints also move a filtered subscription's position, and count too. A handler that skipped the event
	 * (no handler for its type, or the error policy) has processed it; so has a persistent handler that parked it.
	 * <p>
	 * For a persistent subscription the position is this consumer's: the furthest event it has acked, parked or
	 * skipped. With several consumers in the group, another instance may take the event and this one never reaches
	 * it; with retries pending, an earlier event may still come back.
	 * @param id the subscription id
	 * @param result what {@code EsdbOperations.append} returned
	 * @param timeout how long to wait at most
	 * @return true once the subscription has processed the append; false when the timeout passed first, or at once
	 * when the subscription is stopped or failed
	 * @throws IllegalArgumentException if there is no such subscription, or it subscribes to another stream than
	 * the append's (and is not a subscription to {@code $all})
	 */
	public boolean awaitPosition(String id, AppendResult result, Duration timeout) {
		SubscriptionContainer container = container(id);
		SubscriptionEndpoint endpoint = container.endpoint();
		AppendTarget target = AppendTarget.of(endpoint, result);
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean narrowed = false;
		long pauseMillis = 1;
		while (true) {
			SubscriptionSnapshot snapshot = container.snapshot();
			if (target.reachedBy(snapshot.position())) {
				return true;
			}
			if (!snapshot.state().isActive()) {
				return false;
			}
			KurrentDBClientProvider clients = this.clients;
			EventFilterSpec filter = snapshot.filter();
			if (!narrowed && clients != null && filter != null && target.narrowable(filter)) {
				narrowed = true;
				long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
				target = target.narrow(clients.client(), result, filter, snapshot.position(), left);
				continue;
			}
			long leftNanos = deadline - System.nanoTime();
			if (leftNanos <= 0) {
				return false;
			}
			try {
				Thread.sleep(Math.min(pauseMillis, Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos))));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			pauseMillis = Math.min(pauseMillis * 2, 20);
		}
	}

	/**
	 * A read-only view of one subscription.
	 * @param id the subscription id
	 * @return the snapshot, empty if there is no such subscription
	 */
	public Optional<SubscriptionSnapshot> snapshot(String id) {
		synchronized (this.containers) {
			return Optional.ofNullable(this.containers.get(id)).map(SubscriptionContainer::snapshot);
		}
	}

	/**
	 * Read-only views of all subscriptions, in registration order.
	 * @return the snapshots
	 */
	public List<SubscriptionSnapshot> snapshots() {
		return containers().stream().map(SubscriptionContainer::snapshot).toList();
	}

	/**
	 * The ids of all subscriptions.
	 * @return the ids, in registration order
	 */
	public List<String> ids() {
		synchronized (this.containers) {
			return List.copyOf(this.containers.keySet());
		}
	}

	@Override
	public void start() {
		this.running = true;
		for (SubscriptionContainer container : containers()) {
			if (container.endpoint().autoStartup()) {
				container.start();
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
		List<SubscriptionContainer> all = containers();
		// Ask all at once, then wait: N subscriptions take one shutdown timeout, not N.
		all.forEach(SubscriptionContainer::requestStop);
		Instant deadline = Instant.now().plus(this.shutdownTimeout);
		for (SubscriptionContainer container : all) {
			Duration left = Duration.between(Instant.now(), deadline);
			if (!container.awaitStop(left.isNegative() ? Duration.ofMillis(1) : left)) {
				logger.warn("Subscription '{}' was cut off after esdb.subscriptions.shutdown-timeout ({})",
						container.endpoint().id(), this.shutdownTimeout);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private SubscriptionContainer container(String id) {
		synchronized (this.containers) {
			SubscriptionContainer container = this.containers.get(id);
			if (container == null) {
				throw new IllegalArgumentException("No subscription with id '" + id + "'; known: "
						+ this.containers.keySet());
			}
			return container;
		}
	}

	private List<SubscriptionContainer> containers() {
		synchronized (this.containers) {
			return new ArrayList<>(this.containers.values());
		}
	}

}
