package io.github.esdb.subscription.container;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.BeyondLogPolicy;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointBeyondLogException;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionResetHandler;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The catch-up protocol: resume after the stored checkpoint (or the last finished event after a drop), hand each
 * event to the handler through the error handler, tell the {@link CheckpointCommitter} what finished, and follow the
 * server's checkpoints of filtered {@code $all} subscriptions.
 */
final class CatchUpSubscriber implements Subscriber {

	private static final Logger logger = LoggerFactory.getLogger(CatchUpSubscriber.class);

	/** How many parked events a replay reads at once. */
	private static final int REPLAY_BATCH = 100;

	/** The longest a worker waits between idle passes while the handler runs on the client's thread. */
	static final long MAX_IDLE_MILLIS = 1000;

	/** A replay runs on the caller's thread and waits out its retries; interrupting that thread ends it. */
	private static final SubscriptionErrorHandler.Sleeper REPLAY_SLEEPER = (delay) -> {
		try {
			Thread.sleep(delay.toMillis());
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	};

	private final SubscriptionEndpoint endpoint;

	/** Whether the subscription reads {@code $all}: asked for every event, so compared once. */
	private final boolean inAll;

	private final ContainerServices services;

	private final CheckpointCommitter committer;

	private final SubscriptionErrorHandler errorHandler;

	private final HandlerInvoker invoker;

	private final @Nullable EventFilterSpec filter;

	private final Partitions partitions;

	private final CheckpointStore store;

	private final @Nullable TransactionalHandling transactional;

	private final ParkedStream parked;

	private final SubscriptionStatistics statistics;

	/**
	 * Held around each handler call of a subscription that handles one event at a time, so that a replay of parked
	 * events (on the caller's thread) never runs the handler alongside the subscription's own worker.
	 */
	private final Object handlerLock = new Object();

	/** The session whose handler runs on the client's thread, {@code null} when the worker handles events. */
	private volatile @Nullable Session direct;

	/**
	 * Where the current session resumed: an event at or before it was handled already (a resubscription can repeat
	 * the boundary event on some servers). Set before the session delivers anything.
	 */
	private volatile @Nullable Checkpoint resumedAfter;

	/** Whether the worker's last idle pass found a handler running while a commit was due; the worker's own. */
	private boolean handlerWasRunning;

	private final @Nullable CatchUpBatchHandling batches;

	private volatile boolean checkpointLoaded;

	private boolean endWasEmpty;

	CatchUpSubscriber(SubscriptionEndpoint endpoint, ContainerServices services, SubscriptionStatistics statistics) {
		this.endpoint = endpoint;
		this.inAll = endpoint.isAll();
		this.partitions = new Partitions(endpoint, services);
		this.services = services;
		this.store = services.checkpointStoreOf(endpoint);
		this.transactional = TransactionalHandling.of(endpoint, services, this.store);
		this.committer = new CheckpointCommitter(endpoint.checkpointId(),
				(this.transactional != null) ? this.transactional.outsideTransactions() : this.store,
				services.settings().checkpointEveryEvents(), services.settings().checkpointEvery(),
				services.settings().checkpointMinInterval(), services.observer(), System::nanoTime);
		this.errorHandler = new SubscriptionErrorHandler(endpoint, services, statistics);
		this.invoker = new HandlerInvoker(endpoint, services, statistics);
		this.filter = effectiveFilter(endpoint);
		this.statistics = statistics;
		this.parked = new ParkedStream(services.clients(), services.settings().parkedStreamPrefix() + endpoint.checkpointId(),
				services.settings().subscribeTimeout());
		this.batches = CatchUpBatchHandling.of(endpoint, services, this.committer, this.errorHandler, this.invoker,
				this.transactional, (outcome, item) -> parkIfAsked(outcome, item.event(), item.context()),
				this.handlerLock);
	}

	/**
	 * The user's filter, or one derived from the event types the handlers accept so that the server does not send
	 * the rest.
	 */
	static @Nullable EventFilterSpec effectiveFilter(SubscriptionEndpoint endpoint) {
		if (!endpoint.isAll() || endpoint.filter() != null) {
			return endpoint.filter();
		}
		Optional<Set<String>> types = endpoint.dispatcher().acceptedEventTypes();
		return (types.isPresent() && !types.get().isEmpty()) ? EventFilterSpec.eventTypes(types.get()) : null;
	}

	@Override
	public @Nullable EventFilterSpec filter() {
		return this.filter;
	}

	@Override
	public @Nullable Checkpoint position() {
		return this.committer.safePoint();
	}

	@Override
	public @Nullable Checkpoint committed() {
		return this.committer.committed();
	}

	@Override
	public int concurrency() {
		return this.partitions.concurrency();
	}

	@Override
	public int inFlight() {
		return this.partitions.inFlight();
	}

	@Override
	public @Nullable Checkpoint oldestUnfinished() {
		return this.committer.oldestUnfinished();
	}

	@Override
	public void abort() {
		this.partitions.abort();
	}

	@Override
	public int queueCapacity() {
		return this.services.settings().catchUpBatchSize();
	}

	/**
	 * One event at a time on the client's thread unless asked otherwise. Partitions and batches need their own
	 * threads; a segment keeps its worker, whose name tells the segment apart in logs and thread dumps.
	 */
	@Override
	public boolean handlesOnClientThread() {
		return this.services.settings().catchUpHandlerThread() == HandlerThread.CLIENT && this.batches == null
				&& !this.partitions.enabled() && this.endpoint.segment() == null;
	}

	@Override
	public SubscriptionState stateWhenSubscribed() {
		return SubscriptionState.CATCHING_UP;
	}

	@Override
	public void subscribe(Session session) throws Exception {
		if (!this.checkpointLoaded) {
			// Loaded once per run: after a drop the in-memory position is at least as recent, but a start must see
			// what was stored meanwhile (a reset, a checkpoint deleted to rebuild the read model).
			Checkpoint stored = loadCheckpoint();
			this.committer.restore(stored);
			this.checkpointLoaded = true;
			logger.debug("Subscription '{}' starts from checkpoint {}", this.endpoint.id(), stored);
		}
		// After a drop, what the partitions hold is handled before the new session starts after the safe point.
		this.partitions.beginSession(false);
		if (this.batches != null) {
			this.batches.clear();
		}
		this.committer.discardUnfinished();
		this.direct = session.isDirect() ? session : null;
		SubscriptionListener listener = new SubscriptionListener() {

			@Override
			public void onEvent(Subscription subscription, ResolvedEvent event) {
				session.put(new Session.Event(event, null, null));
			}

			@Override
			public void onCaughtUp(Subscription subscription, Instant timestamp, Long revision, Position position) {
				session.put(new Session.CaughtUp(revision,
						(position != null) ? LogPosition.fromClient(position) : null));
			}

			@Override
			public void onCancelled(Subscription subscription, Throwable cause) {
				if (!session.isClosed()) {
					session.put(new Session.Dropped(cause));
				}
			}

		};
		int batchSize = this.services.settings().catchUpBatchSize();
		Checkpoint resumeAfter = this.committer.safePoint();
		this.resumedAfter = resumeAfter;
		KurrentDBClient client = this.services.clients().client();
		CompletableFuture<Subscription> future;
		if (this.endpoint.isAll()) {
			future = client.subscribeToAll(listener, ClientOptionsMapper.catchUpToAll(this.endpoint, resumeAfter,
					startOf(this.endpoint), batchSize, (this.filter != null) ? ClientOptionsMapper.filter(this.filter,
							(subscription, position) -> {
								session.put(new Session.ServerCheckpoint(LogPosition.fromClient(position)));
								return CompletableFuture.completedFuture(null);
							}, this.services.settings().checkpointEveryEvents()) : null));
		}
		else {
			future = client.subscribeToStream(this.endpoint.stream(), listener, ClientOptionsMapper
				.catchUpToStream(this.endpoint, resumeAfter, startOf(this.endpoint), batchSize));
		}
		session.awaitConfirmation(future, (subscription) -> subscription::stop,
				this.services.settings().subscribeTimeout());
	}

	/**
	 * The stored checkpoint, checked against the end of the log: one after it means the database lost events this
	 * subscription handled, and waiting for the log to grow past it would be silent. The policy fails the
	 * subscription or forgets the checkpoint.
	 */
	private @Nullable Checkpoint loadCheckpoint() throws Exception {
		Checkpoint stored = this.store.load(this.endpoint.checkpointId()).orElse(null);
		if (this.endpoint.segment() != null) {
			stored = startOfSegment(stored);
		}
		if (this.transactional != null) {
			this.transactional.checkPartitions(stored);
		}
		if (stored == null || stored.isBeforeFirst()) {
			// Nothing to check against the log: no read of its end, which a start after a reset to the start (a
			// read model rebuilt) would otherwise wait for.
			return stored;
		}
		LogEnd end = LogEnd.of(this.services.clients().client(), this.endpoint,
				this.services.settings().subscribeTimeout());
		if (!end.isBefore(stored)) {
			return stored;
		}
		String where = this.endpoint.isAll() ? "$all" : "stream '" + this.endpoint.stream() + "'";
		if (this.services.settings().beyondLog() == BeyondLogPolicy.FAIL) {
			throw new CheckpointBeyondLogException(this.endpoint.id(), stored, end.last(), where);
		}
		logger.warn("Subscription '{}' has the stored checkpoint {}, after the end of {} ({}); as "
				+ "esdb.subscriptions.checkpoint.beyond-log=reset says, it forgets it and starts from {}",
				this.endpoint.id(), stored, where, (end.last() != null) ? "last event at " + end.last() : "no event",
				(this.endpoint.from() != null) ? this.endpoint.from() : "the start");
		this.store.reset(this.endpoint.checkpointId());
		if (this.transactional != null) {
			this.transactional.resetPartitions();
		}
		return null;
	}

	/**
	 * A segment without a checkpoint of its own starts from the subscription's checkpoint: the position of the
	 * subscription before it was split, or the lowest position of the segments of an earlier split (which the
	 * segmented subscription keeps there), so that a new split loses nothing; events between that position and where
	 * an earlier segment had got to are handled again (at least once). A segment's own checkpoint behind the
	 * subscription's is left from an earlier run with this number of segments (the subscription's checkpoint is
	 * never ahead of a segment of the current split): every event up to the subscription's checkpoint was handled
	 * since, so it starts there rather than handle them all again.
	 */
	private @Nullable Checkpoint startOfSegment(@Nullable Checkpoint own) {
		Checkpoint whole = this.store.load(this.endpoint.id()).orElse(null);
		if (whole == null || (own != null && !whole.isAfter(own))) {
			return own;
		}
		if (own == null) {
			logger.info("Subscription '{}' has no checkpoint yet; it starts from the subscription's checkpoint {}",
					this.endpoint.checkpointId(), whole);
		}
		else {
			logger.info("Subscription '{}' has a checkpoint {} from an earlier run with {} segments, behind the "
					+ "subscription's checkpoint {}: it starts from the subscription's", this.endpoint.checkpointId(),
					own, Objects.requireNonNull(this.endpoint.segment()).count(), whole);
		}
		return whole;
	}

	@Override
	public @Nullable Exit handle(Session.Message message, SubscriptionErrorHandler.Sleeper control) {
		Exit ended = this.partitions.exit();
		if (ended != null) {
			return ended;
		}
		if (message instanceof Session.Event delivered) {
			Exit exit = handleEvent(delivered.event(), control);
			return (exit == null && this.batches != null) ? this.batches.flushIfReady(control) : exit;
		}
		if (message instanceof Session.ServerCheckpoint checkpoint) {
			this.committer.pass(Checkpoint.ofPosition(checkpoint.position()));
			this.committer.commitUnlessRecent();
			if (this.direct != null) {
				wakeWorkerBy(this.committer.commitIfDue());
			}
			return null;
		}
		if (message instanceof Session.CaughtUp caughtUp) {
			if (this.batches != null) {
				// Nothing more is waiting on the server: the handler gets what it has now.
				Exit exit = this.batches.flush(control);
				if (exit != null) {
					return exit;
				}
			}
			rememberEnd(caughtUp);
			this.committer.commit();
			if (this.direct != null) {
				// A store that failed is due again one interval on.
				wakeWorkerBy(this.committer.commitIfDue());
			}
		}
		return null;
	}

	/**
	 * A subscription from the end that has seen no event yet must not resubscribe from the end after a drop, or the
	 * events written during the outage would be lost: remember where the end was, or that the stream was empty.
	 */
	private void rememberEnd(Session.CaughtUp caughtUp) {
		if (this.committer.safePoint() != null || startOf(this.endpoint).kind() != StartPosition.Kind.END) {
			return;
		}
		if (this.endpoint.isAll() && caughtUp.position() != null) {
			this.committer.pass(Checkpoint.ofPosition(caughtUp.position()));
		}
		else if (!this.endpoint.isAll() && caughtUp.revision() != null) {
			this.committer.pass(Checkpoint.ofRevision(caughtUp.revision()));
		}
		else {
			this.endWasEmpty = true;
		}
	}

	private StartPosition startOf(SubscriptionEndpoint endpoint) {
		if (this.endWasEmpty) {
			return StartPosition.START;
		}
		return (endpoint.from() != null) ? endpoint.from() : StartPosition.START;
	}

	private @Nullable Exit handleEvent(ResolvedEvent event, SubscriptionErrorHandler.Sleeper control) {
		RecordedEvent original = event.getOriginalEvent();
		// The position as numbers: a checkpoint is made only where one is kept, not for an event handled alone.
		boolean inAll = this.inAll;
		long first;
		long second;
		if (inAll) {
			Position inLog = Objects.requireNonNull(event.getPosition().orElse(original.getPosition()),
					"an event read from $all without its position");
			first = inLog.getCommitUnsigned();
			second = inLog.getPrepareUnsigned();
		}
		else {
			first = original.getRevision();
			second = 0;
		}
		if (!Positions.isAfter(inAll, first, second, this.resumedAfter)) {
			// Already handled: a resubscription can repeat the boundary event on some servers.
			return null;
		}
		if (isOwnCheckpoint(event)) {
			// Moving the position for our own checkpoint events would commit again, which writes another one: an
			// endless loop. Ignoring them costs nothing; a resubscription skips them again.
			return null;
		}
		if (event.getEvent() == null) {
			this.invoker.skipUnresolvedLink(event);
			passed(Positions.toCheckpoint(inAll, first, second));
			return null;
		}
		if (isSystem(event)) {
			passed(Positions.toCheckpoint(inAll, first, second));
			return null;
		}
		EventContext context = this.services.contexts().create(this.endpoint.id(), event, null);
		if (!this.partitions.inSegment(event, context)) {
			// Another segment's event: another instance (or another segment here) handles it.
			passed(Positions.toCheckpoint(inAll, first, second));
			return null;
		}
		if (this.batches != null) {
			return this.batches.add(new EventBatcher.Item(event, context, Positions.toCheckpoint(inAll, first, second),
					null, false), control);
		}
		if (this.partitions.enabled()) {
			Checkpoint checkpoint = Positions.toCheckpoint(inAll, first, second);
			this.committer.start(checkpoint);
			return handleInPartition(event, context, checkpoint, control);
		}
		if (this.transactional != null) {
			Checkpoint checkpoint = Positions.toCheckpoint(inAll, first, second);
			this.committer.start(checkpoint);
			return handleInTransaction(event, context, checkpoint, control);
		}
		// One event at a time, and nothing else in flight: no lock and no checkpoint object per event.
		this.committer.startAlone(inAll, first, second);
		SubscriptionErrorHandler.Outcome outcome = this.errorHandler
			.handleInPlace(() -> invokeAlone(event, context), context, control);
		if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
			return Exit.failed(failed.cause());
		}
		if (outcome instanceof SubscriptionErrorHandler.Stopped) {
			// Stopping mid-retry: the event stays unhandled and the position stays before it.
			return Exit.stop();
		}
		Exit notParked = parkIfAsked(outcome, event, context);
		if (notParked != null) {
			return notParked;
		}
		if (this.direct != null) {
			// No clock read per event on the client's thread: the worker sleeps until the next commit falls due.
			wakeWorkerBy(this.committer.finishAloneAndCommitIfDue(inAll, first, second));
		}
		else {
			this.committer.finishAloneAndCommitIfDue(inAll, first, second, System.nanoTime());
		}
		return null;
	}

	/**
	 * Move the position past an event no handler takes. On the client's thread, as after a handled event: commit if
	 * the worker asked, or wake it for when a commit will be due; a worker handling the events does its own idle
	 * passes.
	 */
	private void passed(Checkpoint checkpoint) {
		if (this.direct != null) {
			wakeWorkerBy(this.committer.passAndCommitIfRequested(checkpoint));
		}
		else {
			this.committer.pass(checkpoint);
		}
	}

	/**
	 * A handler on the client's thread that left a commit due at a time the worker was not told of wakes it, once
	 * or twice between two commits (see {@link CheckpointCommitter#commitIfDue}): the worker sleeps until a commit
	 * is due, not in short naps.
	 */
	private void wakeWorkerBy(long dueNanos) {
		Session session = this.direct;
		if (dueNanos != CheckpointCommitter.NO_NEWS && session != null) {
			session.wakeBy(dueNanos);
		}
	}

	/**
	 * A transactional subscription: each attempt writes the checkpoint and calls the handler in one transaction.
	 * What commits is already stored, so the committer is told not to write it again; what rolls back and is then
	 * skipped by the error policy has nothing to roll back any more, and the committer commits it later, outside a
	 * transaction, like a passed event.
	 */
	private @Nullable Exit handleInTransaction(ResolvedEvent event, EventContext context, Checkpoint checkpoint,
			SubscriptionErrorHandler.Sleeper control) {
		TransactionalHandling transactions = this.transactional;
		boolean[] committedBefore = new boolean[1];
		SubscriptionErrorHandler.Outcome outcome = this.errorHandler.handleInPlace(() -> {
			committedBefore[0] = !transactions.handle(checkpoint, () -> invokeAlone(event, context));
		}, context, control);
		if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
			return Exit.failed(failed.cause());
		}
		if (outcome instanceof SubscriptionErrorHandler.Stopped) {
			return Exit.stop();
		}
		Exit notParked = parkIfAsked(outcome, event, context);
		if (notParked != null) {
			return notParked;
		}
		this.committer.finish(checkpoint);
		if (outcome instanceof SubscriptionErrorHandler.Handled) {
			if (committedBefore[0]) {
				this.invoker.skipAlreadyCommitted(context, checkpoint);
			}
			this.committer.committedInTransaction(checkpoint);
		}
		wakeWorkerBy(this.committer.commitIfDue());
		return null;
	}

	/**
	 * Hand the event to its partition. The committer was told it started, in log order, so the checkpoint stays
	 * before it until its partition finished it, whatever the other partitions do meanwhile.
	 */
	private @Nullable Exit handleInPartition(ResolvedEvent event, EventContext context, Checkpoint checkpoint,
			SubscriptionErrorHandler.Sleeper control) {
		TransactionalHandling transactions = this.transactional;
		boolean queued = this.partitions.submit(event, context, (partition) -> {
			boolean[] committedBefore = new boolean[1];
			SubscriptionErrorHandler.Outcome outcome = this.errorHandler.handleInPlace(() -> {
				if (transactions == null) {
					this.invoker.invoke(event, context);
				}
				else {
					// The partition's position commits with the handler's work; the subscription's checkpoint
					// follows outside, once every event before it finished.
					committedBefore[0] = !transactions.handleInPartition(partition, checkpoint,
							() -> this.invoker.invoke(event, context));
				}
			}, context, control);
			if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
				return Exit.failed(failed.cause());
			}
			if (outcome instanceof SubscriptionErrorHandler.Stopped) {
				return null;
			}
			Exit notParked = parkIfAsked(outcome, event, context);
			if (notParked != null) {
				return notParked;
			}
			if (committedBefore[0] && outcome instanceof SubscriptionErrorHandler.Handled) {
				this.invoker.skipAlreadyCommitted(context, checkpoint);
			}
			this.committer.finish(checkpoint);
			return null;
		}, control);
		if (!queued) {
			return Exit.stop();
		}
		this.committer.commitIfDue();
		return null;
	}

	private void invokeAlone(ResolvedEvent event, EventContext context) throws Exception {
		synchronized (this.handlerLock) {
			this.invoker.invoke(event, context);
		}
	}

	/**
	 * Carry out a park: the event goes to the dead-letter stream before the position may pass it, so that nothing
	 * is lost. When the append fails the session ends as dropped: the subscription resubscribes from before the
	 * event, with back-off, and the handler sees it again.
	 * @return {@code null} when there was nothing to park or it is parked, else how the session ends
	 */
	private @Nullable Exit parkIfAsked(SubscriptionErrorHandler.Outcome outcome, ResolvedEvent event,
			EventContext context) {
		if (!(outcome instanceof SubscriptionErrorHandler.Park park)) {
			return null;
		}
		try {
			this.parked.park(event.getEvent(), park.reason(), park.error(), park.retries());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Exit.stop();
		}
		catch (Exception ex) {
			logger.warn("Subscription '{}' could not park {} in '{}'; it resubscribes and handles it again: {}",
					this.endpoint.id(), context, this.parked.name(), ex.toString());
			return Exit.dropped(ex);
		}
		logger.warn("Subscription '{}' parked {} in '{}': {}", this.endpoint.id(), context, this.parked.name(),
				park.reason());
		// Counted and reported as moved past, like a persistent park.
		this.statistics.skipped();
		this.services.observer().eventSkipped(this.endpoint.id(), context, "parked: " + park.reason());
		return null;
	}

	@Override
	public ParkedStream parkedStream() {
		return this.parked;
	}

	/**
	 * Hand parked events to the handler again, oldest first, on the caller's thread and through the subscription's
	 * error handling: one it handles or skips leaves the dead-letter stream (its truncate-before moves past it), one
	 * it parks again is appended anew with its retries counted on, and one that fails the subscription ends the
	 * replay there and stays parked with those after it.
	 * @param max how many at most
	 * @return how many were replayed
	 * @throws Exception if the stream could not be read or written
	 * @throws IllegalStateException if the handler failed the replay
	 */
	@Override
	public int replayParked(int max) throws Exception {
		long first = this.parked.first();
		if (first < 0 || max <= 0) {
			return 0;
		}
		long end = this.parked.end();
		int replayed = 0;
		long next = first;
		while (replayed < max && next < end) {
			List<ResolvedEvent> entries = this.parked.read(next, (int) Math.min(REPLAY_BATCH, max - replayed));
			if (entries.isEmpty()) {
				break;
			}
			for (ResolvedEvent entry : entries) {
				long sequence = entry.getOriginalEvent().getRevision();
				if (sequence >= end || replayed >= max) {
					break;
				}
				replayOne(entry, sequence);
				this.parked.truncateBefore(sequence + 1);
				replayed++;
				next = sequence + 1;
			}
		}
		logger.info("Subscription '{}' replayed {} parked event(s) from '{}'", this.endpoint.id(), replayed,
				this.parked.name());
		return replayed;
	}

	private void replayOne(ResolvedEvent entry, long sequence) throws Exception {
		if (entry.getEvent() == null) {
			this.invoker.skipUnresolvedLink(entry);
			return;
		}
		ParkedEvent before = ParkedStream.toParkedEvent(entry);
		EventContext context = this.services.contexts()
			.create(this.endpoint.id(), entry, null, entry.getEvent().getPosition());
		SubscriptionErrorHandler.Outcome outcome = this.errorHandler
			.handleInPlace(() -> invokeAlone(entry, context), context, REPLAY_SLEEPER);
		if (outcome instanceof SubscriptionErrorHandler.Failed || outcome instanceof SubscriptionErrorHandler.Stopped) {
			Throwable cause = (outcome instanceof SubscriptionErrorHandler.Failed failed) ? failed.cause() : null;
			throw new IllegalStateException("The replay of subscription '" + this.endpoint.id()
					+ "' stopped at parked event " + sequence + " (" + context + "): the handler failed; it and "
					+ "the events after it stay parked", cause);
		}
		if (outcome instanceof SubscriptionErrorHandler.Park park) {
			int earlier = (before.retryCount() != null) ? before.retryCount() + 1 : 0;
			this.parked.park(entry.getEvent(), park.reason(), park.error(), earlier + park.retries());
			logger.warn("Subscription '{}' parked {} again: {}", this.endpoint.id(), context, park.reason());
		}
	}

	private boolean isSystem(ResolvedEvent event) {
		if (!this.inAll) {
			return false;
		}
		// Unfiltered $all reads include system streams and events: handlers see user events only.
		return event.getOriginalEvent().getStreamId().startsWith("$")
				|| event.getEvent().getEventType().startsWith("$");
	}

	private boolean isOwnCheckpoint(ResolvedEvent event) {
		return this.inAll && event.getOriginalEvent()
			.getStreamId()
			.startsWith(this.services.settings().checkpointStreamPrefix());
	}

	@Override
	public @Nullable Exit afterBatch() {
		return null;
	}

	@Override
	public @Nullable Exit onIdle(SubscriptionErrorHandler.Sleeper control) {
		if (this.batches != null) {
			Exit exit = this.batches.flushIfReady(control);
			if (exit != null) {
				return exit;
			}
		}
		this.committer.commitIfDue();
		return this.partitions.exit();
	}

	/**
	 * The worker's wait before its next idle pass: a batch's max wait; the usual wait while partitions run (a failed
	 * one is found at the next pass) or while the worker handles the events itself (every event wakes it anyway);
	 * else, with the handler on the client's thread, until the next commit falls due, and at most
	 * {@link #MAX_IDLE_MILLIS}. Commits are then the worker's only idle work: a handler that brings one forward wakes
	 * it, and a stop or a drop wakes it by itself (checked under the session's lock), so a quiet subscription's
	 * worker wakes about once a second, not ten times. After a pass that found a handler running when a commit was
	 * due, the usual wait: that commit waits for the handler, which commits once it returns, and a worker asking
	 * again at once would only spin.
	 */
	@Override
	public long pollMillis(long idle) {
		if (this.batches != null) {
			return this.batches.pollMillis(idle);
		}
		if (this.partitions.enabled() || this.direct == null) {
			return idle;
		}
		long nanos = this.committer.nanosUntilDue();
		boolean waitForHandler = this.handlerWasRunning;
		this.handlerWasRunning = false;
		if (nanos < 0 || nanos >= TimeUnit.MILLISECONDS.toNanos(MAX_IDLE_MILLIS)) {
			return MAX_IDLE_MILLIS;
		}
		if (nanos == 0 && waitForHandler) {
			return idle;
		}
		// Rounded up: waking a little before it is due would find nothing to do and wait again.
		return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
	}

	/**
	 * The worker found a handler running. If a commit was due, the handler makes it once it returns, and the worker
	 * waits the usual time (see {@link #pollMillis}); a worker woken early (a handler told it of a commit due later)
	 * just waits for that time.
	 */
	@Override
	public void whileHandlerRuns() {
		// The handler reads no clock per event: asked, it makes the commit once it returns.
		this.handlerWasRunning = this.committer.requestCommitIfDue();
	}

	@Override
	public void beforeClose() {
		this.partitions.endSession();
		this.committer.commitAndFlush();
		this.checkpointLoaded = false;
	}

	/**
	 * Find the checkpoint before the target, call the handlers, and store the checkpoint: in one transaction for a
	 * transactional subscription, else one after the other (a failed store leaves the handlers' work done and the old
	 * checkpoint, and the caller reports it). The store is replaced even by a checkpoint behind it, and flushed, so
	 * the next start loads it.
	 */
	@Override
	public Checkpoint reset(StartPosition to, SubscriptionResetHandler handler) throws Exception {
		Checkpoint target = LogSeek.checkpointBefore(this.services.clients().client(), this.endpoint, to,
				this.services.settings().subscribeTimeout());
		String id = this.endpoint.id();
		String checkpointId = this.endpoint.checkpointId();
		if (this.transactional != null) {
			this.transactional.reset(target, () -> handler.reset(id, to));
		}
		else {
			handler.reset(id, to);
			this.store.store(checkpointId, target);
			this.store.flush(checkpointId);
		}
		// The position shown until the next start; the start loads the stored checkpoint itself.
		this.committer.restore(target);
		this.checkpointLoaded = false;
		return target;
	}

}
