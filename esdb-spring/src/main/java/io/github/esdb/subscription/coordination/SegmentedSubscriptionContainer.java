package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.SegmentOwnership;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionOwnedElsewhereException;
import io.github.esdb.subscription.SubscriptionOwnership;
import io.github.esdb.subscription.SubscriptionResetHandler;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * A coordinated catch-up subscription with a concurrency N above 1, run as N segments that the instances share: the
 * registry's one container for the subscription id, composed of one {@link CoordinatedSubscriptionContainer} per
 * segment (each with its own lease, checkpoint and parked stream, handling its partition's events one at a time) and
 * the {@link SegmentBalance} that decides which segments this instance takes and hands over. It also keeps the
 * subscription's own checkpoint at the lowest of its segments' checkpoints, so that a later split into another number
 * of segments (or none) resumes from a position no segment had passed.
 */
final class SegmentedSubscriptionContainer implements SubscriptionContainer {

	private static final Logger logger = LoggerFactory.getLogger(SegmentedSubscriptionContainer.class);

	private final SubscriptionEndpoint endpoint;

	private final SubscriptionCoordination coordination;

	private final LeaseStore leases;

	/** The whole subscription's container built under no lease: checks the declaration, gives the snapshot a base. */
	private final SubscriptionContainer probe;

	private final List<CoordinatedSubscriptionContainer> segments;

	private final SegmentBalance balance;

	private final Object monitor = new Object();

	private volatile boolean running;

	private volatile @Nullable ScheduledFuture<?> ticking;

	SegmentedSubscriptionContainer(SubscriptionEndpoint endpoint, int count,
			io.github.esdb.subscription.SubscriptionContainerFactory factory, SubscriptionCoordination coordination,
			LeaseStore leases, SubscriptionContainer probe) {
		this.endpoint = endpoint;
		this.coordination = coordination;
		this.leases = leases;
		this.probe = probe;
		this.balance = new SegmentBalance(endpoint.id(), coordination.instanceId(), leases, coordination.leaseTtl(),
				coordination.renewInterval(), System::nanoTime);
		List<CoordinatedSubscriptionContainer> all = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			SubscriptionEndpoint segment = endpoint.segment(i, count);
			SubscriptionContainer segmentProbe = coordination.createUnder(null, () -> factory.create(segment));
			all.add(new CoordinatedSubscriptionContainer(segment, factory, coordination, leases, segmentProbe,
					this.balance));
		}
		this.segments = List.copyOf(all);
		this.balance.balance(this.segments);
	}

	@Override
	public SubscriptionEndpoint endpoint() {
		return this.endpoint;
	}

	/**
	 * Start standing by for every segment; also restarts a segment the error policy stopped while the others run.
	 */
	@Override
	public void start() {
		boolean starting;
		synchronized (this.monitor) {
			starting = !this.running;
			if (starting) {
				this.running = true;
				// The segments take none until the membership was heard (or one stayed unclaimed for a TTL), so that
				// their first look already counts the other members.
				this.ticking = this.coordination.scheduler()
					.scheduleWithFixedDelay(this::tick, Instant.now(), this.coordination.renewInterval());
			}
		}
		if (starting) {
			logger.info("Subscription '{}' is coordinated in {} segments ({} leases): the instances running it share "
					+ "them; this one is {}", this.endpoint.id(), this.segments.size(), this.leases.mode(),
					this.coordination.instanceId());
		}
		this.segments.forEach(CoordinatedSubscriptionContainer::start);
	}

	/** Never throws (it would stop the ticks). */
	private void tick() {
		try {
			if (!this.running) {
				return;
			}
			this.balance.tick();
			keepLowestCheckpoint();
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not balance its segments", this.endpoint.id(), ex);
		}
	}

	/**
	 * The instance holding segment 0 stores the lowest of the segments' checkpoints as the subscription's own. Every
	 * segment's checkpoint only moves on (a reset needs every instance stopped), so a value read earlier is at most
	 * behind: a late write moves it back, never past what a segment handled. It is never moved back on purpose: a
	 * segment whose own checkpoint is behind it (left from an earlier run with this number of segments) starts from
	 * the subscription's checkpoint, so the lowest position a segment would start from is the higher of the two.
	 */
	private void keepLowestCheckpoint() {
		CheckpointStore store = this.coordination.wholeStoreOf(this.endpoint.id());
		if (store == null || !this.segments.get(0).holds()) {
			return;
		}
		Checkpoint lowest = null;
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			Checkpoint stored = store.load(segment.endpoint().checkpointId()).orElse(null);
			if (stored == null) {
				// That segment starts from the subscription's checkpoint: it must stay where it is.
				return;
			}
			if (lowest == null || lowest.isAfter(stored)) {
				lowest = stored;
			}
		}
		Checkpoint whole = store.load(this.endpoint.id()).orElse(null);
		if (lowest != null && (whole == null || lowest.isAfter(whole))) {
			store.store(this.endpoint.id(), lowest);
			store.flush(this.endpoint.id());
		}
	}

	@Override
	public void requestStop() {
		synchronized (this.monitor) {
			this.running = false;
			ScheduledFuture<?> scheduled = this.ticking;
			if (scheduled != null) {
				scheduled.cancel(false);
				this.ticking = null;
			}
		}
		this.segments.forEach(CoordinatedSubscriptionContainer::requestStop);
	}

	@Override
	public boolean awaitStop(Duration timeout) {
		boolean graceful = true;
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			graceful &= segment.awaitStop(timeout);
		}
		if (!this.running) {
			// After the segments were released: the others count without this instance at once, not after a TTL.
			this.balance.leave();
		}
		return graceful;
	}

	@Override
	public boolean isRunning() {
		return this.running || this.segments.stream().anyMatch(SubscriptionContainer::isRunning);
	}

	@Override
	public void deleteGroup() throws Exception {
		this.probe.deleteGroup();
	}

	/**
	 * Resets every segment to the target under its lease, calling the reset handler once (with segment 0, in its
	 * transaction for a transactional subscription), then the subscription's own checkpoint. It needs the
	 * subscription stopped on every instance: it is refused before anything is reset when another instance holds a
	 * segment.
	 * @throws SubscriptionOwnedElsewhereException if an instance holds a segment
	 */
	@Override
	public Checkpoint reset(StartPosition to, SubscriptionResetHandler handler) throws Exception {
		if (this.running) {
			throw new IllegalStateException("Subscription '" + this.endpoint.id()
					+ "' is running; stop it before resetting it");
		}
		// Every segment's lease, taken and given back, before anything is reset: one held elsewhere refuses it all.
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			String leaseId = segment.endpoint().checkpointId();
			SubscriptionLease free = this.leases
				.tryAcquire(leaseId, this.coordination.instanceId(), this.coordination.leaseTtl())
				.orElse(null);
			if (free == null) {
				String owner = segment.owner();
				throw new SubscriptionOwnedElsewhereException("Subscription '" + this.endpoint.id() + "' is split in "
						+ this.segments.size() + " segments and instance '" + owner + "' holds " + leaseId
						+ ": stop the subscription on every instance before resetting it", owner);
			}
			this.leases.release(free);
		}
		Checkpoint target = null;
		CheckpointStore store = this.coordination.wholeStoreOf(this.endpoint.id());
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			boolean first = target == null;
			target = segment.reset(to, first ? handler : (id, position) -> {
			});
			if (first && store != null) {
				// Before the other segments: a segment starts from the subscription's checkpoint when its own is
				// behind it, so a reset cut short must not leave reset segments behind the old one.
				store.store(this.endpoint.id(), target);
				store.flush(this.endpoint.id());
			}
		}
		return Objects.requireNonNull(target);
	}

	@Override
	public long parkedCount() throws Exception {
		return sumOverSegments(SubscriptionContainer::parkedCount);
	}

	/** What each segment says, summed. */
	private long sumOverSegments(SegmentCount count) throws Exception {
		long sum = 0;
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			sum += count.of(segment);
		}
		return sum;
	}

	/** A count a segment gives, which may fail like the parked stream it reads. */
	@FunctionalInterface
	private interface SegmentCount {

		long of(SubscriptionContainer segment) throws Exception;

	}

	/** The parked events of all segments, segment by segment, each oldest first. */
	@Override
	public List<ParkedEvent> parked(int offset, int limit) throws Exception {
		List<ParkedEvent> page = new ArrayList<>();
		int skip = offset;
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			if (page.size() >= limit) {
				break;
			}
			List<ParkedEvent> each = segment.parked(0, skip + limit - page.size());
			int from = Math.min(skip, each.size());
			skip -= from;
			page.addAll(each.subList(from, each.size()));
		}
		return List.copyOf(page.subList(0, Math.min(limit, page.size())));
	}

	/**
	 * Replays the parked events of the segments this instance holds: only a segment's owner may run its handler.
	 * @throws SubscriptionOwnedElsewhereException if this instance holds no segment
	 */
	@Override
	public int replayParked(int max) throws Exception {
		int replayed = 0;
		boolean holdsAny = false;
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			if (segment.holds() && replayed < max) {
				holdsAny = true;
				replayed += segment.replayParked(max - replayed);
			}
		}
		if (!holdsAny) {
			String owners = String.join(", ", this.segments.stream()
				.map(CoordinatedSubscriptionContainer::ownerNow)
				.filter(Objects::nonNull)
				.distinct()
				.toList());
			throw new SubscriptionOwnedElsewhereException("Subscription '" + this.endpoint.id() + "' is split in "
					+ this.segments.size() + " segments and this instance ('" + this.coordination.instanceId()
					+ "') holds none: replay its parked events on the instances that do ("
					+ (owners.isEmpty() ? "none now" : owners) + ")", owners.isEmpty() ? "none" : owners);
		}
		return replayed;
	}

	@Override
	public long purgeParked() throws Exception {
		return sumOverSegments(SubscriptionContainer::purgeParked);
	}

	/**
	 * The whole subscription as this instance sees it: the counts of the segments it runs, summed; the lowest
	 * position and checkpoint among them; FAILED when the error policy stopped one here, active while it runs one,
	 * else STANDBY; and who holds each segment.
	 */
	@Override
	public SubscriptionSnapshot snapshot() {
		SubscriptionSnapshot base = this.probe.snapshot();
		List<SegmentOwnership> owners = new ArrayList<>();
		List<SubscriptionSnapshot> runningHere = new ArrayList<>();
		List<SubscriptionSnapshot> all = new ArrayList<>();
		boolean failed = false;
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			SegmentOwnership ownership = segment.segmentOwnership();
			owners.add(ownership);
			failed |= ownership.state() == SubscriptionState.FAILED;
			SubscriptionSnapshot each = segment.snapshot();
			all.add(each);
			if (segment.holds()) {
				runningHere.add(each);
			}
		}
		SubscriptionState state = failed ? SubscriptionState.FAILED
				: runningHere.stream()
					.map(SubscriptionSnapshot::state)
					.min(Comparator.naturalOrder())
					.orElse(this.running ? SubscriptionState.STANDBY : base.state());
		SubscriptionSnapshot summed = sum(base, runningHere, all);
		SubscriptionOwnership ownership = new SubscriptionOwnership(this.coordination.instanceId(), this.leases.mode(),
				runningHere.isEmpty() ? null : this.coordination.instanceId(), 0, null);
		return summed.withSegments(state, ownership, owners);
	}

	/** The counts and positions of the segments running here; the last error of any segment, running or not. */
	private SubscriptionSnapshot sum(SubscriptionSnapshot base, List<SubscriptionSnapshot> parts,
			List<SubscriptionSnapshot> all) {
		SubscriptionSnapshot latestError = all.stream()
			.filter((part) -> part.lastErrorAt() != null)
			.max(Comparator.comparing(SubscriptionSnapshot::lastErrorAt))
			.orElse(null);
		return new SubscriptionSnapshot(base.id(), base.kind(), base.stream(), base.group(), base.state(),
				lowest(parts.stream().map(SubscriptionSnapshot::position).toList()),
				lowest(parts.stream().map(SubscriptionSnapshot::committed).toList()),
				(latestError != null) ? latestError.lastError() : null,
				(latestError != null) ? latestError.lastErrorAt() : null,
				parts.stream().mapToLong(SubscriptionSnapshot::handled).sum(),
				parts.stream().mapToLong(SubscriptionSnapshot::skipped).sum(),
				parts.stream().mapToLong(SubscriptionSnapshot::failed).sum(),
				parts.stream().mapToLong(SubscriptionSnapshot::nacked).sum(),
				parts.stream().mapToLong(SubscriptionSnapshot::reconnects).sum(), base.filter(), base.concurrency(),
				parts.stream().mapToInt(SubscriptionSnapshot::inFlight).sum(),
				lowest(parts.stream().map(SubscriptionSnapshot::oldestUnfinished).toList()),
				(latestError != null) ? latestError.connectionFailure() : null);
	}

	private static @Nullable Checkpoint lowest(List<@Nullable Checkpoint> checkpoints) {
		Checkpoint lowest = null;
		for (Checkpoint each : checkpoints) {
			if (each != null && (lowest == null || lowest.isAfter(each))) {
				lowest = each;
			}
		}
		return lowest;
	}

}
