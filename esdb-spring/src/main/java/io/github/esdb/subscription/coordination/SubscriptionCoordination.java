package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionContainerFactory;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;

/**
 * Runs each coordinated catch-up subscription on one application instance at a time. {@link #coordinate} wraps a
 * container factory so that a coordinated subscription stands by until it acquires its lease, then runs a fresh
 * container that starts from the stored checkpoint; {@link #fence} wraps its checkpoint store so that commits are
 * made under that lease and fail once it moved on. Persistent subscriptions are never coordinated: their groups
 * already share the events among consumers.
 */
public final class SubscriptionCoordination {

	private final String instanceId;

	private final Duration leaseTtl;

	private final Duration renewInterval;

	private final Duration stopTimeout;

	private final TaskScheduler scheduler;

	private final Function<String, @Nullable LeaseStore> leaseStores;

	private final List<LeaseListener> listeners;

	/** The lease each coordinated subscription (or segment) holds on this instance now, by lease id. */
	private final Map<String, LeaseGuard> held = new ConcurrentHashMap<>();

	/** Each coordinated subscription's checkpoint store as configured, for the segmented subscriptions' own checkpoint. */
	private final Map<String, CheckpointStore> wholeStores = new ConcurrentHashMap<>();

	/** The lease a container is being created under, read by {@link #fence} on the same thread. */
	private final ThreadLocal<@Nullable LeaseGuard> creating = new ThreadLocal<>();

	/**
	 * Create the coordination.
	 * @param instanceId this instance's id, as stored in the leases it holds
	 * @param leaseTtl how long a lease lasts unless renewed
	 * @param renewInterval how often the owner renews its leases and a standing-by instance tries to acquire them;
	 * at most a third of {@code leaseTtl}
	 * @param stopTimeout how long a subscription that lost its lease may take to stop its handler
	 * @param scheduler runs the renewals and acquisition attempts
	 * @param leaseStores the lease store of a subscription id, {@code null} when it is not coordinated
	 * @param listeners told of lease gains and losses
	 */
	public SubscriptionCoordination(String instanceId, Duration leaseTtl, Duration renewInterval,
			Duration stopTimeout, TaskScheduler scheduler, Function<String, @Nullable LeaseStore> leaseStores,
			List<? extends LeaseListener> listeners) {
		if (renewInterval.isNegative() || renewInterval.isZero() || renewInterval.multipliedBy(3).compareTo(leaseTtl) > 0) {
			throw new IllegalArgumentException("The renew interval (" + renewInterval + ") must be positive and at most "
					+ "a third of the lease TTL (" + leaseTtl + "), so that a renewal can fail once and still come in "
					+ "time");
		}
		this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
		this.leaseTtl = leaseTtl;
		this.renewInterval = renewInterval;
		this.stopTimeout = stopTimeout;
		this.scheduler = scheduler;
		this.leaseStores = leaseStores;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * This instance's id.
	 * @return the id stored in the leases it holds
	 */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Wrap a container factory so that coordinated subscriptions run only while this instance holds their lease. A
	 * coordinated subscription with a concurrency N above 1 becomes N segments, which the instances running it share
	 * out: each segment handles the events of one partition, one at a time, under a lease of its own.
	 * @param factory the factory of the containers that do the work
	 * @return the coordinating factory
	 */
	public SubscriptionContainerFactory coordinate(SubscriptionContainerFactory factory) {
		return (endpoint) -> {
			LeaseStore leases = leaseStoreOf(endpoint);
			if (leases == null) {
				return factory.create(endpoint);
			}
			// Built under no lease: checks the declaration, and says the concurrency the settings give it.
			SubscriptionContainer probe = createUnder(null, () -> factory.create(endpoint));
			int concurrency = probe.snapshot().concurrency();
			if (concurrency > 1) {
				return new SegmentedSubscriptionContainer(endpoint, concurrency, factory, this, leases, probe);
			}
			return new CoordinatedSubscriptionContainer(endpoint, factory, this, leases, probe, null);
		};
	}

	/**
	 * The checkpoint store a coordinated subscription's container writes through: fenced by the lease it is created
	 * under. Give it to {@code DefaultSubscriptionContainerFactory.Builder.checkpointStoreDecorator}.
	 * @param endpoint the subscription
	 * @param store its checkpoint store
	 * @return the fenced store, or {@code store} itself when the subscription is not coordinated
	 */
	public CheckpointStore fence(SubscriptionEndpoint endpoint, CheckpointStore store) {
		LeaseStore leases = leaseStoreOf(endpoint);
		if (leases == null) {
			return store;
		}
		this.wholeStores.put(endpoint.id(), store);
		return FencedCheckpointStore.of(store, this.creating.get(), leases);
	}

	/**
	 * A coordinated subscription's checkpoint store, not fenced: a segmented subscription keeps its own checkpoint
	 * (the lowest of its segments') there, which no lease guards.
	 */
	@Nullable CheckpointStore wholeStoreOf(String subscriptionId) {
		return this.wholeStores.get(subscriptionId);
	}

	/**
	 * Refuses to call the handler of a coordinated subscription once this instance lost its lease or the lease's
	 * local deadline passed, even while the renewal that would notice is held up (a paused scheduler, a database that
	 * does not answer): no handler starts on an instance that may no longer own the subscription. The refusal stops
	 * the subscription's worker. Put it first in the interceptor chain.
	 * @return the interceptor
	 */
	public EventHandlerInterceptor leaseCheck() {
		return (endpoint, event, invocation) -> {
			LeaseGuard guard = this.held.get(endpoint.checkpointId());
			if (guard != null) {
				guard.check("handling event " + event.eventId());
			}
			else if (leaseStoreOf(endpoint) != null) {
				throw new LeaseLostException("Refused to handle " + event.eventId() + " of subscription '"
						+ endpoint.checkpointId() + "': this instance holds no lease for it");
			}
			return invocation.proceed();
		};
	}

	void holding(String leaseId, LeaseGuard guard) {
		this.held.put(leaseId, guard);
	}

	void released(String leaseId, LeaseGuard guard) {
		this.held.remove(leaseId, guard);
	}

	private @Nullable LeaseStore leaseStoreOf(SubscriptionEndpoint endpoint) {
		return (endpoint.kind() == SubscriptionKind.CATCH_UP) ? this.leaseStores.apply(endpoint.id()) : null;
	}

	/** Create a container whose checkpoint store is fenced by the given lease. */
	SubscriptionContainer createUnder(@Nullable LeaseGuard guard, Supplier<SubscriptionContainer> create) {
		this.creating.set(guard);
		try {
			return create.get();
		}
		finally {
			this.creating.remove();
		}
	}

	Duration leaseTtl() {
		return this.leaseTtl;
	}

	Duration renewInterval() {
		return this.renewInterval;
	}

	Duration stopTimeout() {
		return this.stopTimeout;
	}

	/** The part of the TTL the owner gives up early, so it stops before another instance can see the lease expire. */
	Duration safetyMargin() {
		return this.leaseTtl.dividedBy(5);
	}

	TaskScheduler scheduler() {
		return this.scheduler;
	}

	List<LeaseListener> listeners() {
		return this.listeners;
	}

}
