package io.github.esdb.subscription.container;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;

/**
 * One subscribe call's messages, on their way from the client's gRPC threads to the subscriber, in one of two ways.
 * <p>
 * <b>Direct</b> (with a {@link Receiver}): each message is handled on the client's thread as it arrives, under the
 * handling lock, as a raw listener would: no hand-over between threads per event. The client asks the server for
 * more only after the listener returns, so a slow handler holds back the server. The worker only waits for the
 * session to end ({@link #awaitEnd}) and does its idle work under the same lock.
 * <p>
 * <b>Queued</b>: the listener appends each message to a buffer, and the worker takes the whole buffer at once, so the
 * two threads meet once per batch rather than once per event (a per-event hand-off cost as much as the raw client's
 * whole delivery). The bound is the back-pressure: when {@code capacity} messages wait, the gRPC listener blocks, the
 * client stops requesting more messages from the server, and the heap stays bounded however slow the handler is: at
 * most {@code capacity} messages wait here and at most {@code capacity} are in the worker's hands.
 */
final class Session {

	/** What the client hands over, in the order it arrived. */
	sealed interface Message permits Event, ServerCheckpoint, CaughtUp, Dropped {
	}

	record Event(ResolvedEvent event, @Nullable Integer retryCount,
			@Nullable PersistentSubscription subscription) implements Message {
	}

	record ServerCheckpoint(LogPosition position) implements Message {
	}

	record CaughtUp(@Nullable Long revision, @Nullable LogPosition position) implements Message {
	}

	record Dropped(@Nullable Throwable cause) implements Message {
	}

	/** How long a blocked listener waits before it looks again whether the session was closed. */
	private static final long PUT_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final int capacity;

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when the worker waits for an empty buffer and a message arrives. */
	private final Condition notEmpty = this.lock.newCondition();

	/** Signalled when a listener waits for a full buffer and the worker took it. */
	private final Condition notFull = this.lock.newCondition();

	/** Filled by the listener; swapped with the worker's emptied batch by {@link #take}. */
	private ArrayList<Message> filling;

	private boolean workerWaiting;

	/** When the worker waiting in {@link #awaitEnd} wakes by itself ({@code System.nanoTime}); guarded by lock. */
	private long workerWakesAt;

	private boolean listenerWaiting;

	private volatile boolean closed;

	private volatile Runnable canceller;

	/** Handles each message on the client's thread instead of queueing it; {@code null} for a queue. */
	private final @Nullable Receiver receiver;

	/**
	 * Held while a message is handled on the client's thread, or while the worker does its idle work: the handler
	 * never runs twice at once, and the worker never ends a session while a handler runs.
	 */
	private final ReentrantLock handling = new ReentrantLock();

	/** How the direct session ended; guarded by {@link #lock}. */
	private Subscriber.@Nullable Exit exit;

	/**
	 * Who handles a message right now: {@code null}, the client's {@link Thread}, or an {@link Interrupting} once a
	 * stop that timed out claimed that thread to interrupt it. Set and cleared without a lock, once per message: a
	 * write, and a compare-and-set that fails only when a stop claimed the thread (see {@link #receive}).
	 */
	private volatile @Nullable Object handler;

	private static final VarHandle HANDLER;

	static {
		try {
			HANDLER = MethodHandles.lookup().findVarHandle(Session.class, "handler", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** A stop's claim on the handling thread: it interrupts it, then says so with {@link #done}. */
	private static final class Interrupting {

		final Thread thread;

		volatile boolean done;

		Interrupting(Thread thread) {
			this.thread = thread;
		}

	}

	/** Handles one message on the thread the client delivered it on. */
	@FunctionalInterface
	interface Receiver {

		/**
		 * @param message the message
		 * @return how the session ends, or {@code null} to go on
		 */
		Subscriber.@Nullable Exit receive(Message message);

	}

	Session(int capacity) {
		this(capacity, null);
	}

	/**
	 * @param capacity the queue's bound (unused when a receiver handles each message)
	 * @param receiver handles each message on the client's thread, or {@code null} to queue them for the worker
	 */
	Session(int capacity, @Nullable Receiver receiver) {
		this.capacity = Math.max(1, capacity);
		this.receiver = receiver;
		this.filling = (receiver != null) ? new ArrayList<>(0) : new ArrayList<>(Math.min(this.capacity, 1024));
	}

	boolean isDirect() {
		return this.receiver != null;
	}

	/**
	 * Called on gRPC threads: block while the buffer is full, give up once the session is closed so a cancelled
	 * call's thread never hangs.
	 */
	void put(Message message) {
		if (this.receiver != null) {
			receive(this.receiver, message);
			return;
		}
		this.lock.lock();
		try {
			while (this.filling.size() >= this.capacity) {
				if (this.closed) {
					return;
				}
				this.listenerWaiting = true;
				this.notFull.awaitNanos(PUT_RECHECK_NANOS);
			}
			if (this.closed) {
				return;
			}
			this.filling.add(message);
			if (this.workerWaiting) {
				// Only a waiting worker needs the signal; a busy one takes what piled up when it comes back.
				this.workerWaiting = false;
				this.notEmpty.signal();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Handle a message on the client's thread. The client asks the server for more only after this returns, so a slow
	 * handler holds back the server as the queue's bound does, with no hand-over between threads per message.
	 */
	private void receive(Receiver receiver, Message message) {
		if (this.closed) {
			return;
		}
		this.handling.lock();
		try {
			if (this.closed || this.exit != null) {
				return;
			}
			Thread current = Thread.currentThread();
			// A release store, not a full fence: a stop that looks a moment too early and misses this handler is
			// as timing-dependent as one that comes a moment before it started.
			HANDLER.setRelease(this, current);
			Subscriber.Exit ended;
			try {
				ended = receiver.receive(message);
			}
			finally {
				if (!HANDLER.compareAndSet(this, current, null)) {
					releaseClaimed();
				}
			}
			if (ended != null) {
				end(ended);
			}
		}
		finally {
			this.handling.unlock();
		}
	}

	/**
	 * End a direct session: no message is handled after this, and the worker waiting in {@link #awaitEnd} returns.
	 */
	private void end(Subscriber.Exit ended) {
		this.lock.lock();
		try {
			if (this.exit == null) {
				this.exit = ended;
			}
			this.notEmpty.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The worker's side of a direct session: wait up to {@code millis} for the session to end, or until
	 * {@link #wakeBy} asks for the idle work sooner; if the session did not end, run the idle work while no handler
	 * runs.
	 * @param millis how long to wait, read under the session's lock, so that work a handler makes due at the same
	 * moment is either seen in it or wakes the worker through {@link #wakeBy}
	 * @param stopRequested whether the run is asked to stop
	 * @param idle the idle work, returning how the session ends or {@code null}
	 * @param whileHandling the work that cannot wait for a running handler to return and is safe alongside it, run
	 * instead of the idle work while a handler runs
	 * @return how the session ended, or {@code null} if it goes on; a stop when interrupted while waiting (the
	 * interrupt flag stays set), once the handler running then has returned
	 */
	Subscriber.@Nullable Exit awaitEnd(LongSupplier millis, BooleanSupplier stopRequested,
			Supplier<Subscriber.@Nullable Exit> idle, Runnable whileHandling) {
		boolean interrupted = false;
		this.lock.lock();
		try {
			if (this.exit == null && !this.closed && !stopRequested.getAsBoolean()) {
				long nanos = TimeUnit.MILLISECONDS.toNanos(millis.getAsLong());
				this.workerWakesAt = System.nanoTime() + nanos;
				this.workerWaiting = true;
				try {
					this.notEmpty.awaitNanos(nanos);
				}
				finally {
					this.workerWaiting = false;
				}
			}
			if (this.exit != null) {
				return this.exit;
			}
		}
		catch (InterruptedException ex) {
			// Ended below, under the handling lock like any end: returning at once would let the worker store its
			// last checkpoint, and a new run start, while a handler of this session still runs.
			interrupted = true;
		}
		finally {
			this.lock.unlock();
		}
		if (interrupted || this.closed || stopRequested.getAsBoolean()) {
			// Wait for the handler in hand: nothing may run after the session ended.
			this.handling.lock();
			try {
				end(Subscriber.Exit.stop());
				return this.exit;
			}
			finally {
				this.handling.unlock();
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}
		// Idle work only when no handler runs: a handler busy with events makes the commits that fall due by count
		// itself, and those due by time when asked (whileHandling), and queueing behind it would have every one of its
		// unlocks wake this thread only to lose the lock again.
		if (!this.handling.tryLock()) {
			// A handler may run for long: what is due alongside it (acks of the events before it) goes now, and
			// is no longer due when the worker computes its next wait, which would otherwise be a millisecond;
			// what must wait for the handler (a catch-up commit) makes the next wait the usual one.
			whileHandling.run();
			return null;
		}
		try {
			if (this.exit != null) {
				return this.exit;
			}
			Subscriber.Exit ended = idle.get();
			if (ended != null) {
				end(ended);
			}
			return ended;
		}
		finally {
			this.handling.unlock();
		}
	}

	/**
	 * Called by the worker before it subscribes: a direct session handles no message until
	 * {@link #releaseDeliveries} (or {@link #close}) on the same thread, so that the subscription's state is set
	 * before its first event is handled.
	 */
	void holdDeliveries() {
		if (this.receiver != null) {
			this.handling.lock();
		}
	}

	/** Let a direct session handle messages; nothing when this thread does not hold them back. */
	void releaseDeliveries() {
		if (this.handling.isHeldByCurrentThread()) {
			this.handling.unlock();
		}
	}

	/**
	 * Called by a handler of a direct session that made idle work due at {@code dueNanos} (an ack that waits for
	 * others to share its message, a checkpoint commit that falls due sooner than the worker's wait): wakes the worker
	 * if it would sleep past that, and it computes its wait again. Once per batch of acks or per change of the next
	 * commit's time, not per event: a worker already waking in time is left alone.
	 * @param dueNanos when the work is due ({@code System.nanoTime})
	 */
	void wakeBy(long dueNanos) {
		this.lock.lock();
		try {
			if (this.workerWaiting && this.workerWakesAt - dueNanos > 0) {
				this.notEmpty.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Wake a worker waiting in {@link #awaitEnd} or {@link #take}, so that it looks at a stop request now. */
	void wake() {
		this.lock.lock();
		try {
			this.notEmpty.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether the given thread is handling a message of this direct session right now.
	 */
	boolean isHandler(Thread thread) {
		Object current = this.handler;
		return current == thread || (current instanceof Interrupting claim && claim.thread == thread);
	}

	/**
	 * A stop timed out: interrupt the client thread that is handling a message, if any. The thread is claimed first,
	 * so that a handler returning meanwhile waits for the interrupt and clears it, instead of taking it back to the
	 * client's pool.
	 */
	void interruptHandler() {
		Object current = this.handler;
		// A handler that swallowed an earlier stop's interrupt is interrupted again by the next one.
		@Nullable Thread thread = (current instanceof Thread running) ? running
				: (current instanceof Interrupting earlier && earlier.done) ? earlier.thread : null;
		if (thread == null) {
			return;
		}
		Interrupting claim = new Interrupting(thread);
		if (HANDLER.compareAndSet(this, current, claim)) {
			try {
				thread.interrupt();
			}
			finally {
				claim.done = true;
			}
		}
	}

	/**
	 * The handler returns after a stop claimed its thread to interrupt it. The thread is the client's and goes back
	 * to its pool, which must not find it interrupted: wait until no claim is under way, let go of the thread, and
	 * only then clear the interrupt, so that no claim made meanwhile can still interrupt it.
	 */
	private void releaseClaimed() {
		int spins = 0;
		while (true) {
			Object current = this.handler;
			if (current instanceof Interrupting claim && !claim.done) {
				// The stop is between its claim and its interrupt, a few microseconds unless it lost its core: then
				// this thread lets it have one.
				if (++spins % 64 == 0) {
					Thread.yield();
				}
				else {
					Thread.onSpinWait();
				}
				continue;
			}
			if (HANDLER.compareAndSet(this, current, null)) {
				break;
			}
		}
		Thread.interrupted();
	}

	/**
	 * Take everything the listener handed over since the last call, in arrival order, waiting up to {@code millis}
	 * for a first message.
	 * @param millis how long to wait when nothing is there
	 * @param emptied the previous batch, handled and cleared, to be filled next (saves an allocation per batch)
	 * @return the batch, empty if nothing arrived in time; the caller owns it until it passes it back
	 * @throws InterruptedException if interrupted while waiting
	 */
	ArrayList<Message> take(long millis, ArrayList<Message> emptied) throws InterruptedException {
		this.lock.lock();
		try {
			if (this.filling.isEmpty() && !this.closed) {
				this.workerWaiting = true;
				this.notEmpty.awaitNanos(TimeUnit.MILLISECONDS.toNanos(millis));
				this.workerWaiting = false;
			}
			if (this.filling.isEmpty()) {
				return emptied;
			}
			ArrayList<Message> batch = this.filling;
			emptied.clear();
			this.filling = emptied;
			if (this.listenerWaiting) {
				this.listenerWaiting = false;
				this.notFull.signalAll();
			}
			return batch;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many messages wait for the worker.
	 * @return the count
	 */
	int waiting() {
		this.lock.lock();
		try {
			return this.filling.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Remember how to cancel the client call; cancels at once if the session was closed before the call was confirmed.
	 */
	void attach(Runnable canceller) {
		this.canceller = canceller;
		if (this.closed) {
			cancelQuietly(canceller);
		}
	}

	/**
	 * Wait for the server to confirm a subscribe call and attach its canceller. On a timeout the call is cancelled
	 * once (if ever) it is confirmed; the caller closes the session.
	 * @param future the pending subscribe call
	 * @param canceller how to cancel the confirmed subscription
	 * @param timeout how long to wait
	 * @param <S> the client's subscription type
	 * @throws Exception if subscribing failed or timed out
	 */
	<S> void awaitConfirmation(CompletableFuture<S> future, Function<S, Runnable> canceller, Duration timeout)
			throws Exception {
		try {
			S subscription = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			attach(canceller.apply(subscription));
		}
		catch (TimeoutException ex) {
			future.thenAccept((subscription) -> attach(canceller.apply(subscription)));
			throw ex;
		}
	}

	boolean isClosed() {
		return this.closed;
	}

	void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.filling.clear();
			this.notFull.signalAll();
			this.notEmpty.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		// Only once closed: a client thread waiting for the deliveries held back while subscribing must find the
		// session closed, or it would handle a message of a session given up, alongside the next session's handler
		// or after the final checkpoint.
		releaseDeliveries();
		Runnable current = this.canceller;
		if (current != null) {
			cancelQuietly(current);
		}
	}

	private static void cancelQuietly(Runnable canceller) {
		try {
			canceller.run();
		}
		catch (RuntimeException ex) {
			// The call may already be gone (server dropped it); there is nothing left to cancel.
		}
	}

}
