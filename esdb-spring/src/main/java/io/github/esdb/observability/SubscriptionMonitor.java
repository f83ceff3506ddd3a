package io.github.esdb.observability;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Watches every subscription of the {@link SubscriptionRegistry}: it reads the head of each subscribed stream (or of
 * {@code $all}) on its own thread at a fixed interval, derives the lag, runs the stall watchdog, remembers which
 * catch-up subscriptions caught up once, and counts the events inside handlers. When a head cannot be read (the
 * server is down) the lag is unknown until a reading succeeds again, never computed against the last head. Health indicators, metrics and the
 * actuator endpoint all read it, so they agree with each other.
 * <p>
 * It is a {@link SubscriptionObserver} (for caught-up and event timestamps) and an {@link EventHandlerInterceptor}
 * (for in-flight events); both callbacks only touch in-memory state, never the network.
 */
public class SubscriptionMonitor implements SubscriptionObserver, EventHandlerInterceptor, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionMonitor.class);

	/** How many of the newest {@code $all} events each poll reads to count a filtered subscription's lag. */
	static final int ALL_WINDOW = 1000;

	/**
	 * How many handler calls of one subscription the stall watchdog watches at once; a call beyond them (a
	 * {@code concurrency} above this) counts in flight without being watched.
	 */
	private static final int RUNNING_SLOTS = 64;

	/** {@link Track#lastEventCreatedMillis} before the first event. */
	private static final long NO_EVENT = Long.MIN_VALUE;

	/**
	 * Release stores of {@link Track#lastEventCreatedMillis}, written once per event: a volatile store would cost a
	 * full fence each time, and the poller only needs a recent value.
	 */
	private static final VarHandle LAST_EVENT_CREATED;

	static {
		try {
			LAST_EVENT_CREATED = MethodHandles.lookup()
				.findVarHandle(Track.class, "lastEventCreatedMillis", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Supplier<SubscriptionRegistry> registry;

	// Asked on every poll, so that lag is read again once a client that shut itself down has been replaced.
	private final KurrentDBClientProvider clients;

	private final Duration pollInterval;

	private final Duration stallTimeout;

	private final Supplier<List<Listener>> listeners;

	private final Map<String, Track> tracks = new ConcurrentHashMap<>();

	private final Map<EventFilterSpec, Pattern> patterns = new ConcurrentHashMap<>();

	private final Object lifecycleMonitor = new Object();

	private final FixedDelayPoller poller;

	private volatile List<Listener> activeListeners = List.of();

	/**
	 * Create a monitor.
	 * @param registry the registry, looked up lazily (the registry's containers need this observer first)
	 * @param clients supplies the client to read heads with
	 * @param pollInterval how often heads are read
	 * @param stallTimeout how long a subscription may be behind without moving, or a handler call may run
	 * @param listeners told when subscriptions appear and disappear, looked up at start
	 */
	public SubscriptionMonitor(Supplier<SubscriptionRegistry> registry, KurrentDBClientProvider clients,
			Duration pollInterval, Duration stallTimeout, Supplier<List<Listener>> listeners) {
		this.registry = registry;
		this.clients = clients;
		this.pollInterval = pollInterval;
		this.stallTimeout = stallTimeout;
		this.listeners = listeners;
		this.poller = new FixedDelayPoller("esdb-subscription-monitor", Duration.ZERO, pollInterval, this::poll);
	}

	/**
	 * Told on the monitor's thread when it first sees a subscription and when one is gone, so that per-subscription
	 * meters can be registered and removed.
	 */
	public interface Listener {

		/**
		 * A subscription appeared in the registry.
		 * @param snapshot its first snapshot
		 */
		void subscriptionAdded(SubscriptionSnapshot snapshot);

		/**
		 * A subscription was removed from the registry.
		 * @param id its id
		 */
		default void subscriptionRemoved(String id) {
		}

	}

	/**
	 * How long a subscription may be behind without moving.
	 * @return the stall timeout
	 */
	public Duration stallTimeout() {
		return this.stallTimeout;
	}

	/**
	 * Whether the registry is running (its auto-started subscriptions were started).
	 * @return true once the registry started
	 */
	public boolean registryRunning() {
		return this.registry.get().isRunning();
	}

	/**
	 * The status of one subscription now (with the head of the last poll).
	 * @param id the subscription id
	 * @return the status, empty if there is no such subscription
	 */
	public Optional<SubscriptionStatus> status(String id) {
		return this.registry.get().snapshot(id).map((snapshot) -> track(id).status(snapshot, Instant.now()));
	}

	/**
	 * The status of all subscriptions now, in registration order.
	 * @return the statuses
	 */
	public List<SubscriptionStatus> statuses() {
		Instant now = Instant.now();
		return this.registry.get()
			.snapshots()
			.stream()
			.map((snapshot) -> track(snapshot.id()).status(snapshot, now))
			.toList();
	}

	/**
	 * The ids of all subscriptions.
	 * @return the ids, in registration order
	 */
	public List<String> ids() {
		return this.registry.get().ids();
	}

	/**
	 * The kind of a subscription, for tagging callbacks that only carry the id.
	 * @param id the subscription id
	 * @return the kind, empty if there is no such subscription
	 */
	public Optional<SubscriptionKind> kind(String id) {
		SubscriptionKind known = track(id).kind;
		if (known != null) {
			return Optional.of(known);
		}
		return this.registry.get().snapshot(id).map((snapshot) -> {
			track(id).kind = snapshot.kind();
			return snapshot.kind();
		});
	}

	private Track track(String id) {
		Track existing = this.tracks.get(id);
		// Looked up first: the creating lambda (it captures this) costs an allocation.
		return (existing != null) ? existing : this.tracks.computeIfAbsent(id, (key) -> new Track());
	}

	/**
	 * The monitor for one subscription's events, which finds its track once rather than for every event.
	 * @param subscriptionId the subscription
	 * @return the monitor bound to it
	 */
	@Override
	public SubscriptionObserver forSubscription(String subscriptionId) {
		return new Bound(subscriptionId);
	}

	/**
	 * The monitor for one subscription's handler calls, which finds its track once rather than for every event.
	 * @param endpoint the subscription
	 * @return the monitor bound to it
	 */
	@Override
	public EventHandlerInterceptor forSubscription(SubscriptionEndpoint endpoint) {
		return new Bound(endpoint.id());
	}

	// Observer callbacks: worker threads, in-memory only.

	@Override
	public void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
		Track track = track(snapshot.id());
		track.kind = snapshot.kind();
		if (snapshot.state() == SubscriptionState.STARTING) {
			// A (re)start is a fresh chance: time stopped or failed does not count towards a stall.
			track.restarted(Instant.now());
		}
		if (snapshot.state() == SubscriptionState.LIVE) {
			track.caughtUpOnce = true;
		}
	}

	@Override
	public void caughtUp(SubscriptionSnapshot snapshot) {
		track(snapshot.id()).caughtUpOnce = true;
	}

	@Override
	public final boolean usesHandlerDuration() {
		return false;
	}

	@Override
	public final void eventHandled(String subscriptionId, EventContext event, Duration duration) {
		track(subscriptionId).eventSeen(event.created());
	}

	@Override
	public final void eventSkipped(String subscriptionId, EventContext event, String reason) {
		track(subscriptionId).eventSeen(event.created());
	}

	@Override
	public final void eventNacked(String subscriptionId, EventContext event, NackException.Action action,
			String reason) {
		track(subscriptionId).eventSeen(event.created());
	}

	// Interceptor: counts the events inside handlers, for the in-flight gauge and the stuck-handler watchdog.

	@Override
	public final boolean intercept(SubscriptionEndpoint endpoint, EventContext event, Invocation invocation)
			throws Exception {
		return intercept(track(endpoint.id()), invocation);
	}

	private static boolean intercept(Track track, Invocation invocation) throws Exception {
		int slot = track.handlerStarted();
		try {
			return invocation.proceed();
		}
		finally {
			track.handlerFinished(slot);
		}
	}

	// Polling.

	/**
	 * Read the heads of all subscribed streams now and notify listeners of new and removed subscriptions. Runs on the
	 * monitor's thread at the poll interval; public so that tests and tools can force a fresh reading.
	 */
	public void poll() {
		SubscriptionRegistry current = this.registry.get();
		List<SubscriptionSnapshot> snapshots = current.snapshots();
		Set<String> seen = new java.util.HashSet<>();
		// Empty for a stream whose head could not be read: read once per poll, however many subscriptions share it.
		Map<String, Optional<Head>> heads = new HashMap<>();
		Instant now = Instant.now();
		for (SubscriptionSnapshot snapshot : snapshots) {
			seen.add(snapshot.id());
			Track track = track(snapshot.id());
			track.kind = snapshot.kind();
			if (!track.announced) {
				track.announced = true;
				announce(snapshot);
			}
			Optional<Head> head = heads.computeIfAbsent(snapshot.stream(),
					(stream) -> Optional.ofNullable(readHead(stream)));
			if (head.isPresent()) {
				track.head(head.get(), now);
			}
			else {
				// Not the last head again: lag against it would read "caught up" throughout an outage.
				track.headFailed(now);
			}
			track.status(snapshot, now);
		}
		for (String id : new ArrayList<>(this.tracks.keySet())) {
			Track track = this.tracks.get(id);
			if (!seen.contains(id) && track != null && track.announced) {
				this.tracks.remove(id);
				track.removed = true;
				for (Listener listener : this.activeListeners) {
					safely(() -> listener.subscriptionRemoved(id));
				}
			}
		}
	}

	private void announce(SubscriptionSnapshot snapshot) {
		for (Listener listener : this.activeListeners) {
			safely(() -> listener.subscriptionAdded(snapshot));
		}
	}

	private static void safely(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("A subscription monitor listener failed", ex);
		}
	}

	/**
	 * The last event of a stream or of {@code $all}.
	 * @return the head (with a {@code null} checkpoint when empty), or {@code null} when it could not be read
	 */
	private Head readHead(String stream) {
		long timeout = Math.max(1000, Math.min(this.pollInterval.toMillis(), 10_000));
		try {
			KurrentDBClient client = this.clients.client();
			ReadResult result;
			if (SubscriptionEndpoint.ALL.equals(stream)) {
				result = client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(ALL_WINDOW))
					.get(timeout, TimeUnit.MILLISECONDS);
			}
			else {
				result = client
					.readStream(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(1).notResolveLinkTos())
					.get(timeout, TimeUnit.MILLISECONDS);
			}
			List<ResolvedEvent> events = result.getEvents();
			if (events.isEmpty()) {
				return new Head(null, List.of(), true);
			}
			ResolvedEvent last = events.get(0);
			if (SubscriptionEndpoint.ALL.equals(stream)) {
				List<AllEvent> window = new ArrayList<>(events.size());
				for (ResolvedEvent event : events) {
					window.add(new AllEvent(position(event).getCommitUnsigned(),
							event.getOriginalEvent().getStreamId(), event.getOriginalEvent().getEventType()));
				}
				return new Head(Checkpoint.ofPosition(LogPosition.fromClient(position(last))), window, events.size() < ALL_WINDOW);
			}
			return new Head(Checkpoint.ofRevision(last.getOriginalEvent().getRevision()), null, true);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof StreamNotFoundException) {
				return new Head(null, null, true);
			}
			logger.debug("Could not read the head of '{}': {}", stream, String.valueOf(ex.getCause()));
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			logger.debug("Could not read the head of '{}': {}", stream, ex.toString());
			return null;
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.poller.isRunning()) {
				return;
			}
			this.activeListeners = List.copyOf(this.listeners.get());
			this.poller.start();
		}
	}

	@Override
	public void stop() {
		this.poller.stop();
	}

	@Override
	public boolean isRunning() {
		return this.poller.isRunning();
	}

	/**
	 * Starts before the registry (so that no subscription goes unwatched) and stops after it.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return SubscriptionRegistry.PHASE - 1;
	}

	private static Position position(ResolvedEvent event) {
		return event.getPosition().orElse(event.getOriginalEvent().getPosition());
	}

	/**
	 * The last event of a stream; a {@code null} checkpoint means the stream is empty. For {@code $all} also the
	 * newest events (newest first), so that lag can be counted in the events a filtered subscription would receive.
	 *
	 * @param checkpoint the last event's revision or position
	 * @param window for {@code $all}, the newest events; {@code null} for a stream
	 * @param wholeLog whether the window reaches back to the start of the log
	 */
	private record Head(Checkpoint checkpoint, List<AllEvent> window, boolean wholeLog) {

		/**
		 * Events a {@code $all} catch-up subscription at {@code position} has yet to receive: counted exactly when
		 * the position lies inside the window, estimated from the window's event density beyond it.
		 */
		long eventsAfter(long position, Predicate<AllEvent> receives) {
			long matching = 0;
			for (AllEvent event : this.window) {
				if (event.commit() > position && receives.test(event)) {
					matching++;
				}
			}
			AllEvent oldest = this.window.get(this.window.size() - 1);
			if (this.wholeLog || position >= oldest.commit()) {
				return matching;
			}
			// Positions are not event numbers on a real node (they are byte offsets), so scale the part of the log
			// older than the window by the density of receivable events inside it.
			long span = Math.max(1, this.window.get(0).commit() - oldest.commit() + 1);
			double perPosition = (double) Math.max(matching, 1) / span;
			return matching + Math.round((oldest.commit() - position) * perPosition);
		}

	}

	/** One event of the {@code $all} window. */
	private record AllEvent(long commit, String stream, String type) {

	}

	/**
	 * The monitor as one subscription's containers call it for every event: its track found once, and again only once
	 * the subscription was removed from the registry, and its track with it. The other callbacks go to the monitor.
	 * (The monitor's own per-event methods are final, so that this view and the monitor cannot differ.)
	 */
	private final class Bound implements SubscriptionObserver, EventHandlerInterceptor {

		private final String id;

		/** {@code null} until the first event; any thread may replace a removed one, each with a current one. */
		private volatile @Nullable Track track;

		Bound(String id) {
			this.id = id;
		}

		private Track track() {
			Track current = this.track;
			if (current == null || current.removed) {
				current = SubscriptionMonitor.this.track(this.id);
				this.track = current;
			}
			return current;
		}

		@Override
		public boolean intercept(SubscriptionEndpoint endpoint, EventContext event, Invocation invocation)
				throws Exception {
			return SubscriptionMonitor.intercept(track(), invocation);
		}

		@Override
		public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
			track().eventSeen(event.created());
		}

		@Override
		public void eventSkipped(String subscriptionId, EventContext event, String reason) {
			track().eventSeen(event.created());
		}

		@Override
		public void eventNacked(String subscriptionId, EventContext event, NackException.Action action,
				String reason) {
			track().eventSeen(event.created());
		}

		@Override
		public boolean usesHandlerDuration() {
			return false;
		}

		@Override
		public void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
			SubscriptionMonitor.this.stateChanged(snapshot, previous);
		}

		@Override
		public void caughtUp(SubscriptionSnapshot snapshot) {
			SubscriptionMonitor.this.caughtUp(snapshot);
		}

	}

	/** What the monitor remembers about one subscription. */
	private final class Track {

		/**
		 * Set once the track left the map (its subscription was unregistered): a {@link Bound} monitor that holds it
		 * looks in the map again, where a subscription registered again under the same id gets a new track.
		 */
		volatile boolean removed;

		volatile SubscriptionKind kind;

		volatile boolean announced;

		volatile boolean caughtUpOnce;

		/**
		 * When the last event seen was written, in milliseconds since the epoch: a number, not the event's
		 * {@code Instant}, since storing a reference to a new object in this long-lived one costs the collector's
		 * write barrier a fence per event.
		 */
		volatile long lastEventCreatedMillis = NO_EVENT;

		/**
		 * The running handler calls: each holds a slot with its stamp (the calls' start order, from 1) while it runs;
		 * 0 marks a free slot. A look reads how many run and which started first.
		 */
		private final AtomicLongArray running = new AtomicLongArray(RUNNING_SLOTS);

		private final AtomicLong stamps = new AtomicLong();

		/** Calls that found every slot taken: counted in flight, not watched. */
		private final AtomicInteger unwatched = new AtomicInteger();

		/** The stamp of the oldest call running at the last look; 0 when none ran. */
		private long oldestRunning;

		/** Since the look that first found {@link #oldestRunning} running. */
		private Instant oldestRunningSince;

		private Head head;

		private Instant headReadAt;

		private Instant headStaleSince;

		private Checkpoint liveBaseline;

		private Object progressKey;

		private Instant lastProgressAt = Instant.now();

		private Instant behindSince;

		/**
		 * The creation time of the event just handled, skipped or nacked, for the lag in seconds.
		 * @param created when the event was written
		 */
		void eventSeen(Instant created) {
			LAST_EVENT_CREATED.setRelease(this, created.toEpochMilli());
		}

		/**
		 * Called as every handler call starts: an atomic count and a compare-and-set, no clock read and no
		 * allocation. The stuck-handler watchdog compares what its looks find instead (see {@link #stuck}).
		 * @return the slot the call holds, or -1 when every slot is taken
		 */
		int handlerStarted() {
			long stamp = this.stamps.incrementAndGet();
			// From the first slot: one call at a time (concurrency 1) always finds it free.
			for (int slot = 0; slot < RUNNING_SLOTS; slot++) {
				if (this.running.get(slot) == 0 && this.running.compareAndSet(slot, 0, stamp)) {
					return slot;
				}
			}
			this.unwatched.incrementAndGet();
			return -1;
		}

		void handlerFinished(int slot) {
			if (slot < 0) {
				this.unwatched.decrementAndGet();
			}
			else {
				this.running.setRelease(slot, 0);
			}
		}

		synchronized void restarted(Instant now) {
			this.lastProgressAt = now;
			this.behindSince = null;
			this.oldestRunning = 0;
			this.oldestRunningSince = null;
		}

		synchronized void head(Head head, Instant now) {
			this.head = head;
			this.headReadAt = now;
			this.headStaleSince = null;
		}

		synchronized void headFailed(Instant now) {
			if (this.headStaleSince == null) {
				this.headStaleSince = now;
			}
		}

		synchronized SubscriptionStatus status(SubscriptionSnapshot snapshot, Instant now) {
			Object key = List.of(Objects.toString(snapshot.position()),
					snapshot.handled() + snapshot.skipped() + snapshot.nacked());
			if (!key.equals(this.progressKey)) {
				this.progressKey = key;
				this.lastProgressAt = now;
			}
			if (snapshot.state() == SubscriptionState.LIVE) {
				this.caughtUpOnce = true;
			}
			// A stale head says nothing about now: the lag is unknown, the subscription not behind (so the stall
			// watchdog's behind-and-not-moving clock starts again once the head is read), and not caught up either.
			// A subscription standing by runs on another instance, which reports its lag; here it is unknown.
			Long lag = (this.headStaleSince != null || snapshot.state() == SubscriptionState.STANDBY) ? null
					: lag(snapshot);
			// A live $all persistent consumer's position distance counts events other consumers or the filter take.
			boolean behind = lag != null && lag > 0
					&& !(SubscriptionEndpoint.ALL.equals(snapshot.stream()) && snapshot.state() == SubscriptionState.LIVE
							&& snapshot.kind() == SubscriptionKind.PERSISTENT);
			if (behind && this.behindSince == null) {
				this.behindSince = now;
			}
			else if (!behind) {
				this.behindSince = null;
			}
			Double lagSeconds = null;
			if (lag != null && !behind) {
				lagSeconds = 0.0;
			}
			else if (behind && this.lastEventCreatedMillis != NO_EVENT) {
				lagSeconds = Math.max(0, (now.toEpochMilli() - this.lastEventCreatedMillis) / 1000.0);
			}
			int running = this.unwatched.get();
			long oldest = 0;
			for (int slot = 0; slot < RUNNING_SLOTS; slot++) {
				long stamp = this.running.get(slot);
				if (stamp != 0) {
					running++;
					oldest = (oldest == 0) ? stamp : Math.min(oldest, stamp);
				}
			}
			// Asked at every look, whatever the state: it must see the calls stop.
			boolean stuck = stuck(oldest, now);
			boolean stalled = snapshot.state().isActive() && (stalledBehind(snapshot, behind, now) || stuck);
			return new SubscriptionStatus(snapshot, (this.head != null) ? this.head.checkpoint() : null,
					this.headReadAt, this.headStaleSince, lag, lagSeconds, behind, stalled, this.caughtUpOnce, running,
					this.lastProgressAt);
		}

		/**
		 * Behind and not moving. Only catch-up subscriptions: a persistent consumer's own position says nothing when
		 * other consumers of the group take the later events.
		 */
		private boolean stalledBehind(SubscriptionSnapshot snapshot, boolean behind, Instant now) {
			if (!behind || snapshot.kind() != SubscriptionKind.CATCH_UP) {
				return false;
			}
			Instant since = this.lastProgressAt.isAfter(this.behindSince) ? this.lastProgressAt : this.behindSince;
			return Duration.between(since, now).compareTo(SubscriptionMonitor.this.stallTimeout) >= 0;
		}

		/**
		 * The same handler call found running, the oldest of those running, for the stall timeout, as far as the
		 * looks tell (the poll's, every lag-poll interval, and those of health, the metrics and the endpoint): a
		 * handler stuck on a lock or a remote call is reported by the first look at least one stall timeout after the
		 * look that first found it the oldest call running (at once with one call at a time; with partitions, once
		 * the calls that started before it ended). One stuck partition is enough while the others go on; partitions
		 * busy with call after call are not stuck, however long some call is always running.
		 * @param oldest the stamp of the oldest call running now, 0 when none runs
		 */
		private boolean stuck(long oldest, Instant now) {
			if (oldest != this.oldestRunning || this.oldestRunningSince == null) {
				this.oldestRunning = oldest;
				this.oldestRunningSince = now;
			}
			return oldest != 0
					&& Duration.between(this.oldestRunningSince, now).compareTo(SubscriptionMonitor.this.stallTimeout) >= 0;
		}

		private Long lag(SubscriptionSnapshot snapshot) {
			if (this.head == null) {
				return null;
			}
			Checkpoint head = this.head.checkpoint();
			if (head == null) {
				return 0L;
			}
			Checkpoint position = snapshot.position();
			if (position == null) {
				if (snapshot.kind() == SubscriptionKind.PERSISTENT) {
					// Nothing delivered to this consumer yet: the group may start anywhere, so the distance is unknown.
					return null;
				}
				if (snapshot.state() == SubscriptionState.LIVE) {
					// Live without an event: it started from the end, so measure from the head it went live at.
					if (this.liveBaseline == null) {
						this.liveBaseline = head;
					}
					position = this.liveBaseline;
				}
			}
			else {
				this.liveBaseline = null;
			}
			// $all, catch-up or persistent: count the events it would receive, not the positions in between.
			if (this.head.window() != null) {
				long after = (position != null && position.isPosition()) ? position.position().commit() : 0;
				return this.head.eventsAfter(after, receivable(snapshot.filter()));
			}
			if (position == null) {
				return head.isPosition() ? head.position().commit() : head.revision() + 1;
			}
			return distance(head, position);
		}

		/**
		 * The events a subscription to {@code $all} counts as lag: user events (handlers never see system streams
		 * there), narrowed by its server-side filter.
		 */
		private Predicate<AllEvent> receivable(EventFilterSpec filter) {
			Pattern pattern = (filter != null) ? SubscriptionMonitor.this.patterns.computeIfAbsent(filter,
					(spec) -> Pattern.compile(spec.regex())) : null;
			return (event) -> !event.stream().startsWith("$") && (pattern == null
					|| pattern.matcher(filter.onEventType() ? event.type() : event.stream()).find());
		}

		private Long distance(Checkpoint head, Checkpoint position) {
			if (head.isPosition() != position.isPosition()) {
				return null;
			}
			long distance = head.isPosition()
					? head.position().commit() - position.position().commit()
					: head.revision() - position.revision();
			return Math.max(0, distance);
		}

	}

}
