package io.github.esdb.subscription.container;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.SubscriptionObserver;

/**
 * The only part of a catch-up subscription that decides when and what to commit. It is gap-aware: it is told when
 * work on a position starts and when it finishes, in any order, and commits only positions before which every event
 * is finished, so a crash never skips an event that slower work had not finished (the idea of Eventuous'
 * {@code CheckpointCommitHandler}). Positions must be started in log order, which is the order a subscription
 * receives them. Commits happen every N finished events, every T, and when asked (a graceful stop); N finished events
 * commit no more often than once per {@code minInterval}, so that a fast catch-up writes a handful of checkpoints a
 * second rather than one every N events (each write costs the client and the server far more than handling an
 * event). After a crash, the events since the last stored checkpoint are delivered again: at most N, or as many as
 * were handled within {@code minInterval}, whichever is more, plus those handled while the last write was on its way.
 */
final class CheckpointCommitter {

	private static final Logger logger = LoggerFactory.getLogger(CheckpointCommitter.class);

	/** What {@link #commitIfDue} returns when there is nothing new to tell a sleeping worker. */
	static final long NO_NEWS = Long.MIN_VALUE;

	/** No position, for {@link #pendingKind} and {@link #aloneKind}. */
	private static final int NONE = 0;

	/** A stream revision, as {@link Positions} give it. */
	private static final int REVISION = 1;

	/** A position in {@code $all}, as {@link Positions} give it. */
	private static final int LOG_POSITION = 2;

	/**
	 * {@link #aloneKind}, written last with a release store by {@link #startAlone}, which takes no lock: a reader
	 * holding the lock that finds it set finds the numbers written before it.
	 */
	private static final VarHandle ALONE_KIND;

	static {
		try {
			ALONE_KIND = MethodHandles.lookup().findVarHandle(CheckpointCommitter.class, "aloneKind", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final String subscriptionId;

	private final CheckpointStore store;

	private final int everyEvents;

	private final long everyNanos;

	private final long minIntervalNanos;

	private final SubscriptionObserver observer;

	private final LongSupplier nanoClock;

	/** Positions started and not yet below the safe point, oldest first. */
	private final Deque<Slot> inFlight = new ArrayDeque<>();

	/** The unfinished slots by position, so that a finish costs the same however many events are out. */
	private final Map<Checkpoint, Slot> unfinished = new HashMap<>();

	/** The safe point, unless {@link #pendingKind} holds a newer one; read through {@link #safe()}. */
	private @Nullable Checkpoint safe;

	/**
	 * The safe point as numbers when the last event finished alone ({@link #finishAloneAndCommitIfDue}) moved it:
	 * made a checkpoint only when one is needed ({@link #safe()}), at a commit or a look, not once per event.
	 * {@link #NONE} when {@link #safe} is current.
	 */
	private int pendingKind;

	private long pendingFirst;

	private long pendingSecond;

	/** The event started by {@link #startAlone} and not finished, as numbers; {@link #NONE} when none. */
	private int aloneKind;

	private long aloneFirst;

	private long aloneSecond;

	private volatile @Nullable Checkpoint committed;

	/**
	 * The one position {@link #start started} while nothing else was in flight, kept out of {@link #inFlight} and
	 * {@link #unfinished}: a transactional subscription starts and finishes each event alone, and then costs no
	 * allocation and no map per event. A second start (partitions, batches) moves it to the head of the queue. (A
	 * subscription handling one event at a time without a transaction uses {@link #startAlone}.)
	 */
	private @Nullable Checkpoint alone;

	private int finishedSinceCommit;

	private long lastCommitNanos;

	/** Whether {@link #announcedDueNanos} was told since the last commit. */
	private boolean dueAnnounced;

	/** The due time last told to the worker or by {@link #commitIfDue}. */
	private long announcedDueNanos;

	/**
	 * Whether the worker found a commit due while a handler ran, which {@link #finishAloneAndCommitIfDue} or
	 * {@link #passAndCommitIfRequested} then makes; cleared by every commit and every look at the clock it causes.
	 */
	private boolean commitRequested;

	private static final class Slot {

		final Checkpoint position;

		boolean finished;

		Slot(Checkpoint position, boolean finished) {
			this.position = position;
			this.finished = finished;
		}

	}

	CheckpointCommitter(String subscriptionId, CheckpointStore store, int everyEvents, Duration every,
			SubscriptionObserver observer, LongSupplier nanoClock) {
		this(subscriptionId, store, everyEvents, every, Duration.ZERO, observer, nanoClock);
	}

	CheckpointCommitter(String subscriptionId, CheckpointStore store, int everyEvents, Duration every,
			Duration minInterval, SubscriptionObserver observer, LongSupplier nanoClock) {
		this.subscriptionId = subscriptionId;
		this.store = store;
		this.everyEvents = everyEvents;
		this.everyNanos = every.toNanos();
		this.minIntervalNanos = minInterval.toNanos();
		this.observer = observer;
		this.nanoClock = nanoClock;
		this.lastCommitNanos = nanoClock.getAsLong();
	}

	/**
	 * Start from a stored checkpoint: it is both safe and committed.
	 * @param checkpoint the checkpoint loaded from the store
	 */
	synchronized void restore(@Nullable Checkpoint checkpoint) {
		this.dueAnnounced = false;
		this.commitRequested = false;
		this.alone = null;
		this.aloneKind = NONE;
		this.inFlight.clear();
		this.unfinished.clear();
		this.safe = checkpoint;
		this.pendingKind = NONE;
		this.committed = checkpoint;
	}

	/**
	 * Forget work that never finished (a handler that failed or was stopped): the next subscription resumes after
	 * the safe point and delivers those events again.
	 */
	synchronized void discardUnfinished() {
		this.alone = null;
		this.aloneKind = NONE;
		this.inFlight.clear();
		this.unfinished.clear();
	}

	/**
	 * Work on a position starts; the safe point cannot pass it until it {@link #finish finishes}.
	 * @param position the event's position, after every position started before
	 */
	synchronized void start(Checkpoint position) {
		if (this.alone == null && this.inFlight.isEmpty()) {
			this.alone = position;
			return;
		}
		queueAlone();
		Slot slot = new Slot(position, false);
		this.inFlight.addLast(slot);
		this.unfinished.put(position, slot);
	}

	/**
	 * {@link #start} for a subscription that handles one event at a time, where nothing else is in flight when an
	 * event starts and the same thread, or one that took over from it under a lock, finishes it with
	 * {@link #finishAloneAndCommitIfDue}. It takes no lock (whose entry and exit are two atomic operations per event)
	 * and makes no checkpoint (two objects): the position still shows as unfinished, for a handler that hangs.
	 * @param inAll whether the position is in {@code $all}
	 * @param first the event's revision, or its commit position, after every position started before
	 * @param second 0, or its prepare position
	 */
	void startAlone(boolean inAll, long first, long second) {
		this.aloneFirst = first;
		this.aloneSecond = second;
		ALONE_KIND.setRelease(this, inAll ? LOG_POSITION : REVISION);
	}

	/**
	 * Finish the event of {@link #startAlone} and apply the commit rule without a clock read for most events: for a
	 * handler on the client's thread, whose worker sleeps until the next commit falls due (each change of that time
	 * is returned for it, as by {@link #commitIfDue}). The clock is read only when the N-th event since the last
	 * commit finishes, or after the worker {@link #requestCommitIfDue asked}: a time that passed while the handler was
	 * busy is the worker's to notice. One lock per event.
	 * @param inAll whether the position is in {@code $all}
	 * @param first the event's revision, or its commit position
	 * @param second 0, or its prepare position
	 * @return as {@link #commitIfDue}
	 */
	long finishAloneAndCommitIfDue(boolean inAll, long first, long second) {
		synchronized (this) {
			finishedAlone(inAll, first, second);
			if (!isDueOnClientThread()) {
				return news();
			}
		}
		return commitAndTell();
	}

	/**
	 * Finish the event of {@link #startAlone} and commit if due, with the time read by the caller: what a worker
	 * handling one event at a time calls after each. One lock per event.
	 * @param inAll whether the position is in {@code $all}
	 * @param first the event's revision, or its commit position
	 * @param second 0, or its prepare position
	 * @param nowNanos the time now, or a moment ago, read from the committer's own {@code nanoClock}
	 * @return as {@link #commitIfDue}
	 */
	long finishAloneAndCommitIfDue(boolean inAll, long first, long second, long nowNanos) {
		synchronized (this) {
			finishedAlone(inAll, first, second);
			if (!isDue(nowNanos)) {
				return news();
			}
		}
		return commitAndTell();
	}

	private void finishedAlone(boolean inAll, long first, long second) {
		if (this.aloneKind == NONE) {
			// Discarded since it started (a new session): counted, as any finish, but it moves nothing.
			this.finishedSinceCommit++;
			return;
		}
		this.aloneKind = NONE;
		int kind = inAll ? LOG_POSITION : REVISION;
		boolean moves = (this.pendingKind == kind)
				? Positions.isAfter(inAll, first, second, this.pendingFirst, this.pendingSecond)
				: Positions.isAfter(inAll, first, second, safe());
		if (moves) {
			this.pendingKind = kind;
			this.pendingFirst = first;
			this.pendingSecond = second;
		}
		this.finishedSinceCommit++;
	}

	/**
	 * The safe point, made a checkpoint if the last event finished alone moved it. Under the lock.
	 */
	private @Nullable Checkpoint safe() {
		if (this.pendingKind != NONE) {
			this.safe = Positions.toCheckpoint(this.pendingKind == LOG_POSITION, this.pendingFirst, this.pendingSecond);
			this.pendingKind = NONE;
		}
		return this.safe;
	}

	/**
	 * Work on a position finished (handled, skipped or given up on): the safe point moves past it once everything
	 * started before it finished too.
	 * @param position a position given to {@link #start}
	 */
	synchronized void finish(Checkpoint position) {
		finished(position);
	}

	private void finished(Checkpoint position) {
		// The caller passes the instance it started with: identity settles the usual case without the record's equals.
		if (position == this.alone || position.equals(this.alone)) {
			// Nothing else was in flight: it is the safe point now.
			this.alone = null;
			if (position.isAfter(safe())) {
				this.safe = position;
			}
			this.finishedSinceCommit++;
			return;
		}
		Slot slot = this.unfinished.remove(position);
		if (slot != null) {
			slot.finished = true;
		}
		this.finishedSinceCommit++;
		advanceSafePoint();
	}

	/**
	 * A position with nothing to do (an event no handler sees, a server checkpoint of a filtered read): as if it
	 * started and finished at once.
	 * @param position the position, after every position started before
	 */
	synchronized void pass(Checkpoint position) {
		if (this.alone == null && this.inFlight.isEmpty()) {
			if (position.isAfter(safe())) {
				this.safe = position;
			}
			return;
		}
		queueAlone();
		this.inFlight.addLast(new Slot(position, true));
	}

	/** Another position follows the one in flight alone: it becomes the head of the queue. */
	private void queueAlone() {
		Checkpoint first = this.alone;
		if (first != null) {
			this.alone = null;
			Slot slot = new Slot(first, false);
			this.inFlight.addFirst(slot);
			this.unfinished.put(first, slot);
		}
	}

	private void advanceSafePoint() {
		while (!this.inFlight.isEmpty() && this.inFlight.peekFirst().finished) {
			Checkpoint next = this.inFlight.removeFirst().position;
			if (next.isAfter(safe())) {
				this.safe = next;
			}
		}
	}

	/**
	 * Commit if N events finished (and the minimum interval passed) or T passed since the last commit.
	 * @return when the next commit falls due ({@code nanoClock}) if no commit was due now and that time is news:
	 * something waits to be committed, and neither {@link #nanosUntilDue} (the worker computing its wait) nor an
	 * earlier call returned that time since the last commit; else {@link #NO_NEWS}. At most twice between two commits
	 * (the first event after one, and the N-th, which brings the time forward to the minimum interval), so that a
	 * handler wakes a sleeping worker that rarely.
	 */
	long commitIfDue() {
		synchronized (this) {
			if (!isDue(this.nanoClock.getAsLong())) {
				return news();
			}
		}
		return commitAndTell();
	}

	/**
	 * The commit rule after a finish on the client's thread, under the lock: the clock is read only for the N-th
	 * event since the last commit or when the worker asked.
	 */
	private boolean isDueOnClientThread() {
		boolean look = this.commitRequested || this.finishedSinceCommit == this.everyEvents;
		this.commitRequested = false;
		return look && isDue(this.nanoClock.getAsLong());
	}

	/**
	 * {@link #pass} for a handler on the client's thread: commits only if the worker {@link #requestCommitIfDue asked}
	 * (passed events do not count towards N).
	 * @param position the position, after every position started before
	 * @return as {@link #commitIfDue}
	 */
	long passAndCommitIfRequested(Checkpoint position) {
		synchronized (this) {
			pass(position);
			boolean look = this.commitRequested;
			this.commitRequested = false;
			if (!look || !isDue(this.nanoClock.getAsLong())) {
				return news();
			}
		}
		return commitAndTell();
	}

	/**
	 * What the worker calls when it finds a handler running: if a commit is due, the handler's next
	 * {@link #finishAloneAndCommitIfDue} or {@link #passAndCommitIfRequested} makes it. Looked at and asked
	 * under one lock, so that a commit the handler makes in between leaves no request behind.
	 * @return whether a commit was due
	 */
	synchronized boolean requestCommitIfDue() {
		if (nanosUntilDue() != 0) {
			return false;
		}
		this.commitRequested = true;
		return true;
	}

	/** The commit rule: N events finished and the minimum interval passed, or T passed. */
	private boolean isDue(long nowNanos) {
		long sinceCommit = nowNanos - this.lastCommitNanos;
		return (this.finishedSinceCommit >= this.everyEvents && sinceCommit >= this.minIntervalNanos)
				|| sinceCommit >= this.everyNanos;
	}

	private long commitAndTell() {
		commit();
		// A store that failed leaves the position to commit again, one interval on.
		synchronized (this) {
			return news();
		}
	}

	private long news() {
		if (!hasUncommitted()) {
			return NO_NEWS;
		}
		long at = dueNanos();
		if (this.dueAnnounced && at == this.announcedDueNanos) {
			return NO_NEWS;
		}
		this.dueAnnounced = true;
		this.announcedDueNanos = at;
		return at;
	}

	/**
	 * How long until the next commit falls due, for the worker's wait; the time counts as told (see
	 * {@link #commitIfDue}).
	 * @return nanoseconds, 0 if it is due now, or a negative value when nothing waits to be committed
	 */
	synchronized long nanosUntilDue() {
		if (!hasUncommitted()) {
			return -1;
		}
		long at = dueNanos();
		this.dueAnnounced = true;
		this.announcedDueNanos = at;
		return Math.max(0, at - this.nanoClock.getAsLong());
	}

	private boolean hasUncommitted() {
		if (this.pendingKind != NONE) {
			// Once per event: compared as numbers, not made a checkpoint.
			return Positions.isAfter(this.pendingKind == LOG_POSITION, this.pendingFirst, this.pendingSecond,
					this.committed);
		}
		Checkpoint current = this.safe;
		return current != null && current.isAfter(this.committed);
	}

	/** When the commit rule fires next if nothing else finishes: the same rule as {@link #commitIfDue}. */
	private long dueNanos() {
		long after = (this.finishedSinceCommit >= this.everyEvents) ? Math.min(this.minIntervalNanos, this.everyNanos)
				: this.everyNanos;
		return this.lastCommitNanos + after;
	}

	/**
	 * Commit unless the last commit is more recent than the minimum interval: for positions that come often without
	 * events (the server's checkpoints of a filtered read scanning a long stretch of other events).
	 */
	void commitUnlessRecent() {
		boolean due;
		synchronized (this) {
			due = this.nanoClock.getAsLong() - this.lastCommitNanos >= this.minIntervalNanos;
		}
		if (due) {
			commit();
		}
	}

	/**
	 * Store the safe point if it moved since the last commit. A failed store is logged and kept pending: the next
	 * commit tries again, and a crash before it only means some events are delivered again.
	 */
	void commit() {
		Checkpoint current;
		synchronized (this) {
			current = safe();
			this.lastCommitNanos = this.nanoClock.getAsLong();
			this.dueAnnounced = false;
			this.commitRequested = false;
			if (current == null || !current.isAfter(this.committed)) {
				return;
			}
			this.finishedSinceCommit = 0;
		}
		try {
			this.store.store(this.subscriptionId, current);
			synchronized (this) {
				if (current.isAfter(this.committed)) {
					this.committed = current;
				}
			}
			this.observer.checkpointCommitted(this.subscriptionId, current);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not store checkpoint {}: {}", this.subscriptionId, current,
					ex.toString());
		}
	}

	/**
	 * A position the handler's own transaction committed (a transactional subscription): it is the committed
	 * checkpoint now, so later commits only store a safe point after it, and never write it a second time outside
	 * that transaction.
	 * @param position the position, finished before
	 */
	void committedInTransaction(Checkpoint position) {
		synchronized (this) {
			if (position.isAfter(this.committed)) {
				this.committed = position;
			}
			this.finishedSinceCommit = 0;
			this.lastCommitNanos = this.nanoClock.getAsLong();
			this.dueAnnounced = false;
			this.commitRequested = false;
		}
		this.observer.checkpointCommitted(this.subscriptionId, position);
	}

	/**
	 * Commit and wait until the store has written it; called when the subscription stops.
	 */
	void commitAndFlush() {
		commit();
		try {
			this.store.flush(this.subscriptionId);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' stopped without its last checkpoint stored ({}); it will see the events "
					+ "since the previous one again", this.subscriptionId, ex.getMessage());
		}
	}

	/**
	 * The newest position before which every event is finished; where the subscription resumes after a drop.
	 * @return the position, {@code null} before the first
	 */
	synchronized @Nullable Checkpoint safePoint() {
		return safe();
	}

	/**
	 * The last checkpoint stored.
	 * @return the checkpoint, {@code null} if none
	 */
	@Nullable Checkpoint committed() {
		return this.committed;
	}

	/**
	 * The oldest position started and not finished.
	 * @return the position, {@code null} when none
	 */
	synchronized @Nullable Checkpoint oldestUnfinished() {
		if (this.alone != null) {
			return this.alone;
		}
		int kind = (int) ALONE_KIND.getAcquire(this);
		if (kind != NONE) {
			return Positions.toCheckpoint(kind == LOG_POSITION, this.aloneFirst, this.aloneSecond);
		}
		for (Slot slot : this.inFlight) {
			if (!slot.finished) {
				return slot.position;
			}
		}
		return null;
	}

	/**
	 * How many started positions are not yet below the safe point.
	 * @return the count
	 */
	synchronized int inFlight() {
		boolean alone = this.alone != null || (int) ALONE_KIND.getAcquire(this) != NONE;
		return this.inFlight.size() + (alone ? 1 : 0);
	}

}
