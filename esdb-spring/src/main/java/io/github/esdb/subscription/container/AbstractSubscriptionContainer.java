package io.github.esdb.subscription.container;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.kurrent.dbclient.ResolvedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The life of a subscription that both kinds share: a worker thread per run that subscribes, drains the session's
 * queue into the handlers in order, resubscribes with back-off and jitter after drops for as long as the
 * subscription should run, and stops gracefully. Subclasses say how to subscribe and what to do with each message.
 */
public abstract class AbstractSubscriptionContainer implements SubscriptionContainer {

	private static final long POLL_MILLIS = 100;

	private static final Duration PREVIOUS_WORKER_GRACE = Duration.ofSeconds(2);

	/** The logger of the concrete container. */
	protected final Logger logger = LoggerFactory.getLogger(getClass());

	/** What this container subscribes to. */
	protected final SubscriptionEndpoint endpoint;

	/** What it needs from the application. */
	protected final ContainerServices services;

	private final Object lifecycleMonitor = new Object();

	private volatile Run run;

	private volatile SubscriptionState state = SubscriptionState.STOPPED;

	/** The last event handled or moved past. */
	protected volatile Checkpoint position;

	/** The last checkpoint stored. */
	protected volatile Checkpoint committed;

	private volatile String lastError;

	private volatile Instant lastErrorAt;

	/** Events a handler returned from. */
	protected final LongAdder handled = new LongAdder();

	/** Events skipped. */
	protected final LongAdder skipped = new LongAdder();

	/** Failed handler invocations. */
	protected final LongAdder failed = new LongAdder();

	/** Persistent nacks. */
	protected final LongAdder nacked = new LongAdder();

	/** Resubscriptions after drops. */
	protected final LongAdder reconnects = new LongAdder();

	protected AbstractSubscriptionContainer(SubscriptionEndpoint endpoint, ContainerServices services) {
		this.endpoint = endpoint;
		this.services = services;
	}

	/** How a drain of one session ended. */
	protected record Exit(Kind kind, Throwable cause) {

		enum Kind {

			STOP, DROPPED, FAILED

		}

		static Exit stop() {
			return new Exit(Kind.STOP, null);
		}

		static Exit dropped(Throwable cause) {
			return new Exit(Kind.DROPPED, cause);
		}

		static Exit failed(Throwable cause) {
			return new Exit(Kind.FAILED, cause);
		}

	}

	/** One start-to-stop run; a restart gets a fresh one so a lingering old worker cannot be revived. */
	protected static final class Run {

		private final CountDownLatch stopSignal = new CountDownLatch(1);

		private volatile Session session;

		private volatile Thread worker;

		/** Set (under the lifecycle monitor) once the worker will call no handler again; it only reports now. */
		private volatile boolean ended;

		boolean stopRequested() {
			return this.stopSignal.getCount() == 0;
		}

		/**
		 * Whether the worker may still call a handler. A worker that ended is only telling the observers how it ended,
		 * and one of them may well start the subscription again (from that very thread).
		 */
		boolean busy() {
			Thread current = this.worker;
			return current != null && current.isAlive() && !this.ended;
		}

		/**
		 * Sleep unless a stop is requested.
		 * @return true if a stop was requested
		 */
		boolean await(Duration duration) {
			try {
				return this.stopSignal.await(duration.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return true;
			}
		}

	}

	@Override
	public SubscriptionEndpoint endpoint() {
		return this.endpoint;
	}

	@Override
	public void start() {
		while (true) {
			Run previous = this.run;
			if (previous != null && previous.stopRequested() && previous.busy()) {
				// Outside the monitor: the finishing worker needs it to record its final state.
				awaitPreviousWorker(previous);
			}
			synchronized (this.lifecycleMonitor) {
				Run current = this.run;
				if (current != null && current.busy()) {
					if (!current.stopRequested()) {
						return;
					}
					// Asked to stop since we looked: wait for it outside the monitor.
					continue;
				}
				Run next = new Run();
				Thread worker = new Thread(() -> work(next), "esdb-subscription-" + this.endpoint.id());
				// Daemon: a handler that never returns must not keep the JVM alive after the context closed.
				worker.setDaemon(true);
				// The worker is set before the run is published: readers of this.run never see it without one.
				next.worker = worker;
				this.run = next;
				setState(next, SubscriptionState.STARTING);
				worker.start();
				return;
			}
		}
	}

	/**
	 * A stop that timed out interrupted the previous handler; give it a moment to return, and never run two handlers
	 * of one subscription at once (that would break the order of its events).
	 */
	private void awaitPreviousWorker(Run previous) {
		long deadline = System.nanoTime() + PREVIOUS_WORKER_GRACE.toNanos();
		try {
			while (previous.busy() && System.nanoTime() < deadline) {
				previous.worker.join(20);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (previous.busy()) {
			throw new IllegalStateException("Subscription '" + this.endpoint.id() + "' cannot start: the handler of "
					+ "its previous run has not returned since it was asked to stop (see its thread "
					+ previous.worker.getName() + "); try again once it returns");
		}
	}

	@Override
	public void requestStop() {
		Run current = this.run;
		if (current != null) {
			current.stopSignal.countDown();
		}
	}

	@Override
	public boolean awaitStop(Duration timeout) {
		Run current = this.run;
		if (current == null || current.worker == null) {
			return true;
		}
		if (Thread.currentThread() == current.worker) {
			// Called from its own handler or observer: it stops once that returns; waiting for itself would time out.
			return true;
		}
		try {
			current.worker.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!current.worker.isAlive()) {
			return true;
		}
		this.logger.warn("Subscription '{}' did not stop within {}; cancelling it and interrupting its handler",
				this.endpoint.id(), timeout);
		Session session = current.session;
		if (session != null) {
			session.close();
		}
		current.worker.interrupt();
		setState(current, SubscriptionState.STOPPED);
		return false;
	}

	@Override
	public boolean isRunning() {
		return this.state.isActive();
	}

	@Override
	public SubscriptionSnapshot snapshot() {
		return new SubscriptionSnapshot(this.endpoint.id(), this.endpoint.kind(), this.endpoint.stream(),
				this.endpoint.group(), this.state, this.position, this.committed, this.lastError, this.lastErrorAt,
				this.handled.sum(), this.skipped.sum(), this.failed.sum(), this.nacked.sum(), this.reconnects.sum(),
				eventFilter());
	}

	/**
	 * The filter the server applies for this subscription.
	 * @return the filter, {@code null} for none
	 */
	protected EventFilterSpec eventFilter() {
		return this.endpoint.filter();
	}

	private void work(Run run) {
		Throwable failure = null;
		try {
			failure = subscribeAndDrain(run);
		}
		catch (Throwable unexpected) {
			this.logger.error("Subscription '{}' ended unexpectedly", this.endpoint.id(), unexpected);
			failure = unexpected;
		}
		finally {
			try {
				beforeClose(failure != null);
			}
			catch (RuntimeException ex) {
				this.logger.warn("Subscription '{}' could not finish cleanly", this.endpoint.id(), ex);
			}
			Session session = run.session;
			if (session != null) {
				session.close();
			}
			if (failure != null) {
				recordError(failure);
				if (setState(run, SubscriptionState.FAILED, true)) {
					this.services.observer().failed(snapshot(), failure);
				}
			}
			else {
				setState(run, SubscriptionState.STOPPED, true);
				this.logger.info("Subscription '{}' stopped at {}", this.endpoint.id(), this.position);
			}
		}
	}

	private Throwable subscribeAndDrain(Run run) {
		int attempt = 0;
		Throwable lastCause = null;
		while (!run.stopRequested()) {
			if (attempt > 0) {
				Duration delay = this.services.settings().resubscribe().delay(attempt,
						ThreadLocalRandom.current().nextDouble());
				setState(run, SubscriptionState.RECONNECTING);
				this.services.observer().reconnecting(this.endpoint.id(), attempt, delay, lastCause);
				this.logger.info("Subscription '{}' resubscribes in {} ms (attempt {})", this.endpoint.id(),
						delay.toMillis(), attempt);
				if (run.await(delay)) {
					break;
				}
			}
			Session session = new Session(queueCapacity());
			run.session = session;
			try {
				subscribe(session);
			}
			catch (Exception ex) {
				session.close();
				if (run.stopRequested()) {
					break;
				}
				lastCause = unwrap(ex);
				recordError(lastCause);
				this.logger.warn("Subscription '{}' could not subscribe to {}: {}", this.endpoint.id(), describe(),
						lastCause.toString());
				attempt++;
				continue;
			}
			if (attempt > 0) {
				this.logger.info("Subscription '{}' resubscribed to {} after {}", this.endpoint.id(), describe(),
						this.position);
			}
			else {
				this.logger.info("Subscription '{}' subscribed to {}", this.endpoint.id(), describe());
			}
			attempt = 0;
			setState(run, stateWhenSubscribed());
			Exit exit = drain(run, session);
			switch (exit.kind()) {
				case STOP -> {
					return null;
				}
				case FAILED -> {
					return exit.cause();
				}
				case DROPPED -> {
					session.close();
					this.reconnects.increment();
					lastCause = exit.cause();
					if (lastCause != null) {
						recordError(lastCause);
					}
					this.logger.warn("Subscription '{}' dropped at {}: {}", this.endpoint.id(), this.position,
							(lastCause != null) ? lastCause.toString() : "no cause given");
					this.services.observer().dropped(snapshot(), lastCause);
					attempt = 1;
				}
			}
		}
		return null;
	}

	private Exit drain(Run run, Session session) {
		while (true) {
			if (run.stopRequested()) {
				return Exit.stop();
			}
			Session.Message message;
			try {
				message = session.poll(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Exit.stop();
			}
			if (message == null) {
				onIdle();
				continue;
			}
			if (message instanceof Session.Dropped dropped) {
				return Exit.dropped(dropped.cause());
			}
			Exit exit = handle(run, session, message);
			if (exit != null) {
				return exit;
			}
		}
	}

	/**
	 * Run the dispatcher with the event as the current one, inside the handler interceptors, and count and report the
	 * outcome: handled, or skipped when no handler takes its type.
	 * @param event the event
	 * @param context its context
	 * @throws Exception what the handler threw
	 */
	protected void invokeHandler(ResolvedEvent event, EventContext context) throws Exception {
		long started = System.nanoTime();
		boolean taken = this.services.interceptor()
			.intercept(this.endpoint, context, () -> this.services.currentEvent()
				.callWith(context, () -> this.endpoint.dispatcher().dispatch(event, context)));
		if (taken) {
			this.handled.increment();
			this.services.observer()
				.eventHandled(this.endpoint.id(), context, Duration.ofNanos(System.nanoTime() - started));
		}
		else {
			this.skipped.increment();
			this.services.observer().eventSkipped(this.endpoint.id(), context, "no handler for its type");
		}
	}

	/**
	 * Remember an error for the snapshot.
	 * @param error the error
	 */
	protected void recordError(Throwable error) {
		this.lastError = error.getClass().getSimpleName() + ": " + error.getMessage();
		this.lastErrorAt = Instant.now();
	}

	/**
	 * Change the state of a run, unless a newer run replaced it, and tell the observers.
	 * @return true if the state changed
	 */
	private boolean setState(Run owner, SubscriptionState next) {
		return setState(owner, next, false);
	}

	/**
	 * Change the state of a run, and mark it ended in the same step so that a start() never sees it in between.
	 * @return true if the state changed
	 */
	private boolean setState(Run owner, SubscriptionState next, boolean ends) {
		SubscriptionState previous;
		synchronized (this.lifecycleMonitor) {
			if (ends) {
				owner.ended = true;
			}
			if (owner != this.run || this.state == next) {
				return false;
			}
			previous = this.state;
			this.state = next;
		}
		this.services.observer().stateChanged(snapshot(), previous);
		return true;
	}

	/**
	 * Move a subscribed catch-up subscription to live once it caught up.
	 */
	protected void caughtUpNow() {
		Run current = this.run;
		if (current != null && setState(current, SubscriptionState.LIVE)) {
			this.logger.info("Subscription '{}' caught up at {}", this.endpoint.id(), this.position);
			this.services.observer().caughtUp(snapshot());
		}
	}

	/**
	 * Whether the current run was asked to stop; handlers' retries check it.
	 * @return true once a stop is requested
	 */
	protected boolean stopRequested() {
		Run current = this.run;
		return current == null || current.stopRequested();
	}

	/**
	 * Sleep between retries unless a stop is requested.
	 * @param delay how long
	 * @return true if a stop was requested
	 */
	protected boolean sleepUnlessStopped(Duration delay) {
		Run current = this.run;
		return current == null || current.await(delay);
	}

	/**
	 * Wait for the server to confirm a subscribe call and attach its canceller to the session. On a timeout the call
	 * is cancelled once (if ever) it is confirmed; the caller closes the session.
	 * @param future the pending subscribe call
	 * @param session the session it feeds
	 * @param canceller how to cancel the confirmed subscription
	 * @param <S> the client's subscription type
	 * @throws Exception if subscribing failed or timed out
	 */
	protected <S> void awaitConfirmation(CompletableFuture<S> future, Session session, Function<S, Runnable> canceller)
			throws Exception {
		try {
			S subscription = future.get(this.services.settings().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
			session.attach(canceller.apply(subscription));
		}
		catch (TimeoutException ex) {
			future.thenAccept((subscription) -> session.attach(canceller.apply(subscription)));
			throw ex;
		}
	}

	static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while ((current instanceof ExecutionException || current instanceof CompletionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * A description for log messages.
	 * @return e.g. "stream 'orders'" or "group 'g' of stream 'orders'"
	 */
	protected String describe() {
		return (this.endpoint.group() != null)
				? "group '" + this.endpoint.group() + "' of stream '" + this.endpoint.stream() + "'"
				: "stream '" + this.endpoint.stream() + "'";
	}

	/**
	 * The size of the hand-over queue.
	 * @return the capacity
	 */
	protected abstract int queueCapacity();

	/**
	 * Subscribe and wait for the server's confirmation; the client's listener must put every message into the
	 * session and attach a canceller.
	 * @param session the session to feed
	 * @throws Exception if subscribing failed
	 */
	protected abstract void subscribe(Session session) throws Exception;

	/**
	 * The state right after the server confirmed.
	 * @return CATCHING_UP or LIVE
	 */
	protected abstract SubscriptionState stateWhenSubscribed();

	/**
	 * Handle one message other than a drop.
	 * @param run the current run
	 * @param session the session it came from
	 * @param message the message
	 * @return how the session ends, or {@code null} to go on
	 */
	protected abstract Exit handle(Run run, Session session, Session.Message message);

	/**
	 * Called when no message arrived for a while.
	 */
	protected void onIdle() {
	}

	/**
	 * Called on the worker thread before the subscription is cancelled at the end of a run.
	 * @param failed whether the run ends FAILED
	 */
	protected void beforeClose(boolean failed) {
	}

}
