package io.github.esdb.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

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

	private final Map<String, SubscriptionContainer> containers = new LinkedHashMap<>();

	private volatile boolean running;

	/**
	 * Create a registry.
	 * @param containerFactory creates a container per subscription
	 * @param shutdownTimeout how long a stop waits for in-flight handlers
	 */
	public SubscriptionRegistry(SubscriptionContainerFactory containerFactory, Duration shutdownTimeout) {
		this.containerFactory = containerFactory;
		this.shutdownTimeout = shutdownTimeout;
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
	 * Stop then start one subscription.
	 * @param id the subscription id
	 */
	public void restart(String id) {
		SubscriptionContainer container = container(id);
		container.stop(this.shutdownTimeout);
		container.start();
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
