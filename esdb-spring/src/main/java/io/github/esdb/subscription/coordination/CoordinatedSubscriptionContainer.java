package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionContainerFactory;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionOwnedElsewhereException;
import io.github.esdb.subscription.SubscriptionOwnership;
import io.github.esdb.subscription.SubscriptionResetHandler;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * A catch-up subscription that runs on one application instance at a time. Started, it stands by (STANDBY) and tries
 * to acquire its lease every renew interval on the coordination's scheduler; once it holds the lease it creates a
 * fresh container (which loads the stored checkpoint, whatever another instance committed) under that lease and
 * starts it, then renews the lease every renew interval. When a renewal finds the lease taken over, when renewals
 * fail until the local deadline passes, or when a fenced commit finds the epoch moved on, the worker is stopped at
 * once and the subscription stands by again. A graceful stop releases the lease, so another instance takes over
 * without waiting for the TTL.
 */
final class CoordinatedSubscriptionContainer implements SubscriptionContainer {

	private static final Logger logger = LoggerFactory.getLogger(CoordinatedSubscriptionContainer.class);

	private final SubscriptionEndpoint endpoint;

	private final SubscriptionContainerFactory factory;

	private final SubscriptionCoordination coordination;

	private final LeaseStore leases;

	private final Object monitor = new Object();

	/** The container of the current (or last) holding; at first one built only to check the declaration. */
	private volatile SubscriptionContainer current;

	private volatile @Nullable LeaseGuard guard;

	private volatile boolean running;

	private volatile boolean failed;

	private volatile @Nullable ScheduledFuture<?> ticking;

	/** The lease as last seen while standing by, for the snapshot. */
	private volatile @Nullable SubscriptionLease seen;

	private volatile boolean storeFailing;

	CoordinatedSubscriptionContainer(SubscriptionEndpoint endpoint, SubscriptionContainerFactory factory,
			SubscriptionCoordination coordination, LeaseStore leases) {
		this.endpoint = endpoint;
		this.factory = factory;
		this.coordination = coordination;
		this.leases = leases;
		// Checks the declaration at start-up, and gives the snapshot something to show; it never runs, and its
		// checkpoint store refuses writes (no lease).
		this.current = coordination.createUnder(null, () -> factory.create(endpoint));
	}

	@Override
	public SubscriptionEndpoint endpoint() {
		return this.endpoint;
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.failed = false;
			this.ticking = this.coordination.scheduler()
				.scheduleWithFixedDelay(this::tick, Instant.now(), this.coordination.renewInterval());
		}
		logger.info("Subscription '{}' is coordinated ({} leases): it runs on the instance that holds its lease; "
				+ "this one is {}", this.endpoint.id(), this.leases.mode(), this.coordination.instanceId());
	}

	/** One step: acquire the lease when standing by, renew it when holding it. Never throws (it would stop ticks). */
	private void tick() {
		try {
			if (!this.running) {
				return;
			}
			LeaseGuard held = this.guard;
			if (held == null) {
				tryAcquire();
			}
			else {
				renewOrLose(held);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not coordinate its lease", this.endpoint.id(), ex);
		}
	}

	private void tryAcquire() {
		long sentAt = System.nanoTime();
		Optional<SubscriptionLease> acquired;
		try {
			acquired = this.leases.tryAcquire(this.endpoint.id(), this.coordination.instanceId(),
					this.coordination.leaseTtl());
			if (acquired.isEmpty()) {
				this.seen = this.leases.current(this.endpoint.id()).orElse(null);
			}
			storeAvailable();
		}
		catch (RuntimeException ex) {
			storeFailed("acquire", ex);
			return;
		}
		if (acquired.isEmpty()) {
			return;
		}
		SubscriptionLease lease = acquired.get();
		SubscriptionContainer next;
		synchronized (this.monitor) {
			if (!this.running) {
				release(lease);
				return;
			}
			LeaseGuard holding = new LeaseGuard(lease, deadline(sentAt), System::nanoTime, this::fenced);
			this.guard = holding;
			this.seen = lease;
			this.coordination.holding(this.endpoint.id(), holding);
			next = this.coordination.createUnder(holding, () -> this.factory.create(this.endpoint));
			this.current = next;
		}
		logger.info("Subscription '{}' acquired its lease (epoch {}, {}): this instance runs it from its stored "
				+ "checkpoint", this.endpoint.id(), lease.epoch(), this.coordination.instanceId());
		this.coordination.listeners().forEach((listener) -> notify(() -> listener.acquired(lease)));
		next.start();
	}

	private void renewOrLose(LeaseGuard held) {
		SubscriptionContainer container = this.current;
		if (held.isLost()) {
			lose(held, held.lostBecause());
			return;
		}
		if (!container.isRunning() && container.snapshot().state() == SubscriptionState.FAILED) {
			// The error policy stopped it: as without coordination, it stays failed until restarted; another
			// instance may try, and meets the same event.
			synchronized (this.monitor) {
				this.failed = true;
				this.running = false;
				cancelTicking();
				this.guard = null;
			}
			this.coordination.released(this.endpoint.id(), held);
			release(held.lease());
			return;
		}
		long sentAt = System.nanoTime();
		try {
			Optional<SubscriptionLease> renewed = this.leases.renew(held.lease(), this.coordination.leaseTtl());
			storeAvailable();
			if (renewed.isPresent()) {
				held.renewed(renewed.get(), deadline(sentAt));
				this.seen = renewed.get();
				if (this.guard != held) {
					// Stopped and released while this renewal was on its way: release what it renewed.
					release(renewed.get());
				}
				return;
			}
			lose(held, "another instance took the lease over");
			return;
		}
		catch (RuntimeException ex) {
			storeFailed("renew", ex);
		}
		if (held.expiredLocally()) {
			lose(held, "it could not be renewed within the lease TTL (" + this.coordination.leaseTtl()
					+ " less a safety margin)");
		}
	}

	private long deadline(long sentAt) {
		return sentAt + this.coordination.leaseTtl().minus(this.coordination.safetyMargin()).toNanos();
	}

	/** A fenced commit failed: stop handling now; the next tick completes the loss. */
	private void fenced() {
		this.current.requestStop();
	}

	private void lose(LeaseGuard held, String found) {
		held.lose(found);
		// The first reason is what stopped the worker (a later renewal may only confirm the takeover).
		String reason = held.lostBecause();
		SubscriptionContainer container = this.current;
		container.requestStop();
		boolean graceful = container.awaitStop(this.coordination.stopTimeout());
		this.coordination.released(this.endpoint.id(), held);
		synchronized (this.monitor) {
			if (this.guard == held) {
				this.guard = null;
				this.seen = null;
			}
		}
		SubscriptionLease lease = held.lease();
		logger.warn("Subscription '{}' lost its lease (epoch {}): {}; its worker stopped{}, and this instance stands by",
				this.endpoint.id(), lease.epoch(), reason, graceful ? "" : " (its handler was interrupted)");
		this.coordination.listeners().forEach((listener) -> notify(() -> listener.lost(lease, reason)));
	}

	private void release(SubscriptionLease lease) {
		try {
			this.leases.release(lease);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not release its lease (epoch {}); another instance takes over once it "
					+ "expires: {}", this.endpoint.id(), lease.epoch(), ex.toString());
		}
	}

	private void storeFailed(String what, RuntimeException ex) {
		if (!this.storeFailing) {
			this.storeFailing = true;
			logger.warn("Subscription '{}' could not {} its lease ({} leases); retrying every {}: {}", this.endpoint.id(),
					what, this.leases.mode(), this.coordination.renewInterval(), ex.toString());
		}
		else {
			logger.debug("Subscription '{}' could not {} its lease", this.endpoint.id(), what, ex);
		}
	}

	private void storeAvailable() {
		if (this.storeFailing) {
			this.storeFailing = false;
			logger.info("Subscription '{}' reaches its lease store again", this.endpoint.id());
		}
	}

	private void notify(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("A lease listener of subscription '{}' failed", this.endpoint.id(), ex);
		}
	}

	private void cancelTicking() {
		ScheduledFuture<?> scheduled = this.ticking;
		if (scheduled != null) {
			scheduled.cancel(false);
			this.ticking = null;
		}
	}

	@Override
	public void requestStop() {
		synchronized (this.monitor) {
			this.running = false;
			cancelTicking();
		}
		this.current.requestStop();
	}

	@Override
	public boolean awaitStop(Duration timeout) {
		boolean graceful = this.current.awaitStop(timeout);
		LeaseGuard held;
		synchronized (this.monitor) {
			held = this.guard;
			if (this.running) {
				return graceful;
			}
			this.guard = null;
		}
		if (held != null && !graceful) {
			// The worker did not stop in time: it may still be in a handler, whose commit must now be refused.
			held.lose("its stop timed out, so it released the lease with its worker possibly still in a handler");
		}
		if (held != null) {
			this.coordination.released(this.endpoint.id(), held);
		}
		if (held != null && !held.isLost()) {
			// After the last checkpoint was stored: the next owner starts where this one stopped.
			release(held.lease());
			logger.info("Subscription '{}' released its lease (epoch {})", this.endpoint.id(), held.lease().epoch());
		}
		return graceful;
	}

	@Override
	public boolean isRunning() {
		return this.running || this.current.isRunning();
	}

	@Override
	public void deleteGroup() throws Exception {
		this.current.deleteGroup();
	}

	/**
	 * Only the holder of the lease may move the checkpoint, so a reset holds the lease while it runs: it acquires it
	 * (the registry stopped this instance's worker and released it just before), resets under it with a store fenced
	 * by it, and releases it again; the registry's start afterwards stands by and acquires it like any start.
	 * @throws SubscriptionOwnedElsewhereException if another instance holds the lease meanwhile: reset there, or
	 * stop the subscription on every instance first
	 */
	@Override
	public Checkpoint reset(StartPosition to, SubscriptionResetHandler handler) throws Exception {
		synchronized (this.monitor) {
			if (this.guard != null) {
				throw new IllegalStateException("Subscription '" + this.endpoint.id()
						+ "' is running; stop it before resetting it");
			}
		}
		long sentAt = System.nanoTime();
		Optional<SubscriptionLease> acquired = this.leases.tryAcquire(this.endpoint.id(),
				this.coordination.instanceId(), this.coordination.leaseTtl());
		if (acquired.isEmpty()) {
			String owner = owner();
			throw new SubscriptionOwnedElsewhereException("Subscription '" + this.endpoint.id()
					+ "' is coordinated and instance '" + owner + "' holds its lease: reset it on that instance, or "
					+ "stop the subscription on every instance first", owner);
		}
		SubscriptionLease lease = acquired.get();
		try {
			LeaseGuard resetting = new LeaseGuard(lease, deadline(sentAt), System::nanoTime, () -> {
			});
			return this.coordination.createUnder(resetting, () -> this.factory.create(this.endpoint))
				.reset(to, handler);
		}
		finally {
			release(lease);
		}
	}

	@Override
	public long parkedCount() throws Exception {
		return this.current.parkedCount();
	}

	@Override
	public List<ParkedEvent> parked(int offset, int limit) throws Exception {
		return this.current.parked(offset, limit);
	}

	/**
	 * Only the holder of the lease runs the handler: a replay here would meet the fenced store at every event (and
	 * park it again, or lose it), so it is refused unless this instance holds the lease.
	 * @throws SubscriptionOwnedElsewhereException if this instance does not hold the lease
	 */
	@Override
	public int replayParked(int max) throws Exception {
		LeaseGuard held = this.guard;
		if (held == null || held.isLost()) {
			String owner = owner();
			throw new SubscriptionOwnedElsewhereException("Subscription '" + this.endpoint.id()
					+ "' is coordinated and this instance ('" + this.coordination.instanceId() + "') does not hold its "
					+ "lease; instance '" + owner + "' runs it: replay its parked events there", owner);
		}
		return this.current.replayParked(max);
	}

	/** The instance that holds the lease as the lease store says, for an operator told to go there. */
	private String owner() {
		try {
			return this.leases.current(this.endpoint.id()).map(SubscriptionLease::owner).orElse("none (no instance holds it)");
		}
		catch (RuntimeException ex) {
			return "unknown (the lease store could not be read: " + ex + ")";
		}
	}

	@Override
	public long purgeParked() throws Exception {
		return this.current.purgeParked();
	}

	@Override
	public SubscriptionSnapshot snapshot() {
		SubscriptionSnapshot snapshot = this.current.snapshot();
		LeaseGuard held = this.guard;
		SubscriptionLease lease = (held != null) ? held.lease() : this.seen;
		SubscriptionOwnership ownership = new SubscriptionOwnership(this.coordination.instanceId(), this.leases.mode(),
				(lease != null) ? lease.owner() : null, (lease != null) ? lease.epoch() : 0,
				(lease != null) ? lease.expiresAt() : null);
		SubscriptionState state = snapshot.state();
		if ((held == null || held.isLost()) && this.running && !this.failed) {
			state = SubscriptionState.STANDBY;
		}
		return snapshot.withOwnership(state, ownership);
	}

}
