package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SegmentOwnership;
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

	/** The lease's (and checkpoint's) id: the subscription id, or a segment's. */
	private final String leaseId;

	/** Asked before each attempt to acquire a segment's lease; {@code null} for a whole subscription. */
	private final @Nullable SegmentGate gate;

	private final Object monitor = new Object();

	/** Held by each tick, so that a stop can wait for one in progress. */
	private final ReentrantLock ticks = new ReentrantLock();

	/** The container of the current (or last) holding; at first one built only to check the declaration. */
	private volatile SubscriptionContainer current;

	private volatile @Nullable LeaseGuard guard;

	private volatile boolean running;

	private volatile boolean failed;

	private volatile @Nullable ScheduledFuture<?> ticking;

	/** The lease as last seen while standing by, for the snapshot. */
	private volatile @Nullable SubscriptionLease seen;

	private volatile boolean storeFailing;

	/** When {@link #seen} last changed (a renewal, a takeover, a release), on the monotonic clock; 0 before. */
	private volatile long seenChangedAt;

	/** Asked by the balancing of segments: give the lease up gracefully at the next tick. */
	private volatile boolean handOverRequested;

	/**
	 * Create the container.
	 * @param endpoint the subscription, or one segment of it
	 * @param factory creates the containers that do the work
	 * @param coordination the coordination
	 * @param leases the lease store
	 * @param probe a container of the endpoint built under no lease: it checks the declaration at start-up and gives
	 * the snapshot something to show; it never runs, and its checkpoint store refuses writes
	 * @param gate asked before acquiring a segment's lease, {@code null} for a whole subscription
	 */
	CoordinatedSubscriptionContainer(SubscriptionEndpoint endpoint, SubscriptionContainerFactory factory,
			SubscriptionCoordination coordination, LeaseStore leases, SubscriptionContainer probe,
			@Nullable SegmentGate gate) {
		this.endpoint = endpoint;
		this.factory = factory;
		this.coordination = coordination;
		this.leases = leases;
		this.leaseId = endpoint.checkpointId();
		this.gate = gate;
		this.current = probe;
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
		if (this.gate == null) {
			// A segment's start is told once for the whole subscription.
			logger.info("Subscription '{}' is coordinated ({} leases): it runs on the instance that holds its lease; "
					+ "this one is {}", this.leaseId, this.leases.mode(), this.coordination.instanceId());
		}
	}

	/** One step: acquire the lease when standing by, renew it when holding it. Never throws (it would stop ticks). */
	private void tick() {
		this.ticks.lock();
		try {
			if (!this.running) {
				return;
			}
			LeaseGuard held = this.guard;
			if (held == null && this.gate != null && !this.gate.mayAcquire() && !unclaimedForTtl()) {
				observe();
			}
			else if (held == null) {
				tryAcquire();
			}
			else if (this.handOverRequested && !held.isLost()) {
				handOver(held);
			}
			else {
				renewOrLose(held);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not coordinate its lease", this.leaseId, ex);
		}
		finally {
			this.ticks.unlock();
		}
	}

	private void tryAcquire() {
		long sentAt = System.nanoTime();
		Optional<SubscriptionLease> acquired;
		try {
			acquired = this.leases.tryAcquire(this.leaseId, this.coordination.instanceId(),
					this.coordination.leaseTtl());
			if (acquired.isEmpty()) {
				see(this.leases.current(this.leaseId).orElse(null));
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
			this.handOverRequested = false;
			see(lease);
			this.coordination.holding(this.leaseId, holding);
			next = this.coordination.createUnder(holding, () -> this.factory.create(this.endpoint));
			this.current = next;
		}
		logger.info("Subscription '{}' acquired its lease (epoch {}, {}): this instance runs it from its stored "
				+ "checkpoint", this.leaseId, lease.epoch(), this.coordination.instanceId());
		this.coordination.listeners().forEach((listener) -> notify(() -> listener.acquired(lease)));
		next.start();
	}

	/** Standing by while the balancing of segments says another instance should take this one: only look. */
	private void observe() {
		try {
			see(this.leases.current(this.leaseId).orElse(null));
			storeAvailable();
		}
		catch (RuntimeException ex) {
			storeFailed("read", ex);
		}
	}

	private void see(@Nullable SubscriptionLease lease) {
		if (this.seenChangedAt == 0 || !Objects.equals(lease, this.seen)) {
			this.seenChangedAt = System.nanoTime();
		}
		this.seen = lease;
	}

	/**
	 * Whether the lease as stored stayed unchanged (nobody renewed it, or nobody holds it) for a lease TTL: then
	 * this instance tries to acquire it whatever the balancing says, so that a member that cannot run a segment never
	 * keeps it unowned.
	 */
	private boolean unclaimedForTtl() {
		long changedAt = this.seenChangedAt;
		return changedAt != 0 && System.nanoTime() - changedAt >= this.coordination.leaseTtl().toNanos();
	}

	/**
	 * Who holds the lease now as this instance knows it: itself while it holds it, else the owner it last saw if
	 * the lease changed (was renewed) within a lease TTL, else nobody.
	 * @return the owner's instance id, or {@code null}
	 */
	@Nullable String ownerNow() {
		LeaseGuard held = this.guard;
		if (held != null && !held.isLost()) {
			return this.coordination.instanceId();
		}
		SubscriptionLease lease = this.seen;
		return (lease != null && !unclaimedForTtl()) ? lease.owner() : null;
	}

	/**
	 * Whether this instance holds the lease and runs the subscription (or segment).
	 * @return true while it holds it
	 */
	boolean holds() {
		LeaseGuard held = this.guard;
		return held != null && !held.isLost() && !this.handOverRequested;
	}

	/** Give the lease up at the next tick, gracefully: the segment's balancing asked for it. */
	void handOver() {
		if (this.guard != null) {
			this.handOverRequested = true;
		}
	}

	/**
	 * A voluntary release: the worker stops after the event in hand and stores its last checkpoint, then the lease
	 * is released, and this instance stands by, so that another instance takes the segment over at once.
	 */
	private void handOver(LeaseGuard held) {
		SubscriptionContainer container = this.current;
		container.requestStop();
		boolean graceful = container.awaitStop(this.coordination.stopTimeout());
		synchronized (this.monitor) {
			if (this.guard == held) {
				this.guard = null;
			}
			this.handOverRequested = false;
		}
		if (!graceful) {
			held.lose("its hand-over stop timed out, so it lets the lease expire with its worker possibly still in "
					+ "a handler");
		}
		this.coordination.released(this.leaseId, held);
		if (!held.isLost()) {
			release(held.lease());
			see(null);
			logger.info("Subscription '{}' handed its lease over (epoch {}) to balance the segments among instances",
					this.leaseId, held.lease().epoch());
		}
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
				// Released just below, and not looked at again until restarted: no longer this instance's.
				this.seen = null;
			}
			this.coordination.released(this.leaseId, held);
			release(held.lease());
			return;
		}
		long sentAt = System.nanoTime();
		try {
			Optional<SubscriptionLease> renewed = this.leases.renew(held.lease(), this.coordination.leaseTtl());
			storeAvailable();
			if (renewed.isPresent()) {
				held.renewed(renewed.get(), deadline(sentAt));
				see(renewed.get());
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
		this.coordination.released(this.leaseId, held);
		synchronized (this.monitor) {
			if (this.guard == held) {
				this.guard = null;
				this.seen = null;
			}
		}
		SubscriptionLease lease = held.lease();
		logger.warn("Subscription '{}' lost its lease (epoch {}): {}; its worker stopped{}, and this instance stands by",
				this.leaseId, lease.epoch(), reason, graceful ? "" : " (its handler was interrupted)");
		this.coordination.listeners().forEach((listener) -> notify(() -> listener.lost(lease, reason)));
	}

	private void release(SubscriptionLease lease) {
		try {
			this.leases.release(lease);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not release its lease (epoch {}); another instance takes over once it "
					+ "expires: {}", this.leaseId, lease.epoch(), ex.toString());
		}
	}

	private void storeFailed(String what, RuntimeException ex) {
		if (!this.storeFailing) {
			this.storeFailing = true;
			logger.warn("Subscription '{}' could not {} its lease ({} leases); retrying every {}: {}", this.leaseId,
					what, this.leases.mode(), this.coordination.renewInterval(), ex.toString());
		}
		else {
			logger.debug("Subscription '{}' could not {} its lease", this.leaseId, what, ex);
		}
	}

	private void storeAvailable() {
		if (this.storeFailing) {
			this.storeFailing = false;
			logger.info("Subscription '{}' reaches its lease store again", this.leaseId);
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
		if (!this.running) {
			awaitTickInProgress(timeout);
			// A tick that acquired the lease just before the stop started a container after requestStop looked.
			this.current.requestStop();
		}
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
			this.coordination.released(this.leaseId, held);
		}
		if (held != null && !held.isLost()) {
			// After the last checkpoint was stored: the next owner starts where this one stopped.
			release(held.lease());
			logger.info("Subscription '{}' released its lease (epoch {})", this.leaseId, held.lease().epoch());
		}
		return graceful;
	}

	/**
	 * Let a tick already running when the stop came end first (cancelling the schedule does not stop it): an
	 * acquisition on its way then has released what it got, and a reset right after the stop does not meet this
	 * instance's own lease.
	 */
	private void awaitTickInProgress(Duration timeout) {
		try {
			if (this.ticks.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.ticks.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
		Optional<SubscriptionLease> acquired = this.leases.tryAcquire(this.leaseId,
				this.coordination.instanceId(), this.coordination.leaseTtl());
		if (acquired.isEmpty()) {
			String owner = owner();
			throw new SubscriptionOwnedElsewhereException("Subscription '" + this.leaseId
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
			throw new SubscriptionOwnedElsewhereException("Subscription '" + this.leaseId
					+ "' is coordinated and this instance ('" + this.coordination.instanceId() + "') does not hold its "
					+ "lease; instance '" + owner + "' runs it: replay its parked events there", owner);
		}
		return this.current.replayParked(max);
	}

	/** The instance that holds the lease as the lease store says, for an operator told to go there. */
	String owner() {
		try {
			return this.leases.current(this.leaseId).map(SubscriptionLease::owner).orElse("none (no instance holds it)");
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

	/**
	 * This segment as the snapshot of its segmented subscription shows it.
	 * @return who holds it, as this instance knows
	 */
	SegmentOwnership segmentOwnership() {
		SubscriptionSnapshot snapshot = snapshot();
		SubscriptionOwnership ownership = snapshot.ownership();
		String owner = ownerNow();
		boolean known = ownership != null && owner != null && owner.equals(ownership.owner());
		return new SegmentOwnership(Objects.requireNonNull(this.endpoint.segment()).index(), owner,
				known ? ownership.epoch() : 0, known ? ownership.until() : null, snapshot.state());
	}

}
