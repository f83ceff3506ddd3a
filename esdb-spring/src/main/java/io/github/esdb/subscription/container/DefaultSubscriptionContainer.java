package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.connection.ConnectionFailure;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointBeyondLogException;
import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionResetHandler;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The life of one subscription, for both kinds: a worker (from the {@code TaskExecutor}) per run that subscribes
 * through its {@link Subscriber}, drains the session's queue in order (or, when the subscriber handles messages on
 * the client's threads, waits for the session to end), resubscribes with back-off and jitter after drops for as long
 * as the subscription should run, and stops gracefully. What to do with each message is the
 * subscriber's; what to do when a handler throws is the {@link SubscriptionErrorHandler}'s.
 */
final class DefaultSubscriptionContainer implements SubscriptionContainer {

	private static final Logger logger = LoggerFactory.getLogger(DefaultSubscriptionContainer.class);

	private static final long POLL_MILLIS = 100;

	private static final Duration PREVIOUS_WORKER_GRACE = Duration.ofSeconds(2);

	private final SubscriptionEndpoint endpoint;

	private final ContainerServices services;

	private final Subscriber subscriber;

	private final SubscriptionStatistics statistics;

	private final Object lifecycleMonitor = new Object();

	private volatile @Nullable Run run;

	private volatile SubscriptionState state = SubscriptionState.STOPPED;

	DefaultSubscriptionContainer(SubscriptionEndpoint endpoint, ContainerServices services, Subscriber subscriber,
			SubscriptionStatistics statistics) {
		this.endpoint = endpoint;
		this.services = services;
		this.subscriber = subscriber;
		this.statistics = statistics;
	}

	/** One start-to-stop run; a restart gets a fresh one so a lingering old worker cannot be revived. */
	private static final class Run implements SubscriptionErrorHandler.Sleeper {

		private final CountDownLatch stopSignal = new CountDownLatch(1);

		/** Counted down when the worker's task returned. */
		private final CountDownLatch finished = new CountDownLatch(1);

		private volatile @Nullable Session session;

		/** The thread running the worker, once it runs. */
		private volatile @Nullable Thread thread;

		/** Set (under the lifecycle monitor) once the worker will call no handler again; it only reports now. */
		private volatile boolean ended;

		boolean stopRequested() {
			return this.stopSignal.getCount() == 0;
		}

		/**
		 * Whether the worker may still call a handler (or has not started yet). A worker that ended is only telling
		 * the observers how it ended, and one of them may well start the subscription again (from that very thread).
		 */
		boolean busy() {
			return this.finished.getCount() > 0 && !this.ended;
		}

		boolean awaitFinished(long millis) {
			try {
				return this.finished.await(millis, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return this.finished.getCount() == 0;
			}
		}

		@Override
		public boolean sleepUnlessStopped(Duration duration) {
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
				this.run = next;
				setState(next, SubscriptionState.STARTING);
				try {
					this.services.taskExecutor().execute(() -> work(next));
				}
				catch (RuntimeException ex) {
					next.finished.countDown();
					setState(next, SubscriptionState.FAILED, true);
					throw new IllegalStateException("Subscription '" + this.endpoint.id()
							+ "' cannot start: its task executor refused the worker", ex);
				}
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
		while (previous.busy() && System.nanoTime() < deadline) {
			previous.awaitFinished(20);
		}
		if (previous.busy()) {
			Thread thread = previous.thread;
			throw new IllegalStateException("Subscription '" + this.endpoint.id() + "' cannot start: the handler of "
					+ "its previous run has not returned since it was asked to stop (see its thread "
					+ ((thread != null) ? thread.getName() : "not started") + "); try again once it returns");
		}
	}

	@Override
	public void requestStop() {
		Run current = this.run;
		if (current != null) {
			current.stopSignal.countDown();
			Session session = current.session;
			if (session != null) {
				session.wake();
			}
		}
	}

	@Override
	public boolean awaitStop(Duration timeout) {
		Run current = this.run;
		if (current == null) {
			return true;
		}
		Session running = current.session;
		if (Thread.currentThread() == current.thread
				|| (running != null && running.isHandler(Thread.currentThread()))) {
			// Called from its own handler or observer: it stops once that returns; waiting for itself would time out.
			return true;
		}
		if (current.awaitFinished(Math.max(1, timeout.toMillis()))) {
			return true;
		}
		logger.warn("Subscription '{}' did not stop within {}; cancelling it and interrupting its handler",
				this.endpoint.id(), timeout);
		Session session = current.session;
		if (session != null) {
			session.close();
			session.interruptHandler();
		}
		Thread thread = current.thread;
		if (thread != null) {
			thread.interrupt();
		}
		this.subscriber.abort();
		setState(current, SubscriptionState.STOPPED);
		return false;
	}

	@Override
	public void deleteGroup() throws Exception {
		if (!(this.subscriber instanceof PersistentSubscriber persistent)) {
			throw new IllegalStateException(
					"Subscription '" + this.endpoint.id() + "' is a catch-up subscription; it has no group");
		}
		persistent.deleteGroup();
	}

	/**
	 * Reset while holding the lifecycle monitor: a start meanwhile waits, and then loads the new checkpoint.
	 */
	@Override
	public Checkpoint reset(StartPosition to, SubscriptionResetHandler handler) throws Exception {
		synchronized (this.lifecycleMonitor) {
			Run current = this.run;
			if (current != null && current.busy()) {
				throw new IllegalStateException("Subscription '" + this.endpoint.id()
						+ "' is running; stop it before resetting it");
			}
			return this.subscriber.reset(to, handler);
		}
	}

	@Override
	public long parkedCount() throws Exception {
		return this.subscriber.parkedStream().count();
	}

	@Override
	public List<ParkedEvent> parked(int offset, int limit) throws Exception {
		return this.subscriber.parkedStream().list(offset, limit);
	}

	@Override
	public int replayParked(int max) throws Exception {
		return this.subscriber.replayParked(max);
	}

	@Override
	public long purgeParked() throws Exception {
		ParkedStream parked = this.subscriber.parkedStream();
		long purged = parked.purge();
		logger.info("Subscription '{}' purged {} parked event(s) from '{}'", this.endpoint.id(), purged,
				parked.name());
		return purged;
	}

	/**
	 * How many messages the client handed over that the worker has not taken yet.
	 * @return the count, 0 when no session runs
	 */
	int waiting() {
		Run current = this.run;
		Session session = (current != null) ? current.session : null;
		return (session != null) ? session.waiting() : 0;
	}

	@Override
	public boolean isRunning() {
		return this.state.isActive();
	}

	@Override
	public SubscriptionSnapshot snapshot() {
		SubscriptionStatistics.LastError lastError = this.statistics.lastError();
		return new SubscriptionSnapshot(this.endpoint.id(), this.endpoint.kind(), this.endpoint.stream(),
				this.endpoint.group(), this.state, this.subscriber.position(), this.subscriber.committed(),
				(lastError != null) ? lastError.message() : null, (lastError != null) ? lastError.at() : null,
				this.statistics.handledCount(), this.statistics.skippedCount(), this.statistics.failedCount(),
				this.statistics.nackedCount(), this.statistics.reconnectCount(), this.subscriber.filter(),
				this.subscriber.concurrency(), this.subscriber.inFlight(), this.subscriber.oldestUnfinished(),
				(lastError != null) ? lastError.connectionFailure() : null);
	}

	private void work(Run run) {
		Thread thread = Thread.currentThread();
		String executorName = thread.getName();
		// Thread dumps and log lines then name the subscription; the executor's name comes back when it ends.
		thread.setName("esdb-subscription-" + this.endpoint.checkpointId());
		run.thread = thread;
		Throwable failure = null;
		try {
			failure = subscribeAndDrain(run);
		}
		catch (Throwable unexpected) {
			logger.error("Subscription '{}' ended unexpectedly", this.endpoint.id(), unexpected);
			failure = unexpected;
		}
		finally {
			try {
				this.subscriber.beforeClose();
			}
			catch (RuntimeException ex) {
				logger.warn("Subscription '{}' could not finish cleanly", this.endpoint.id(), ex);
			}
			Session session = run.session;
			if (session != null) {
				session.close();
			}
			try {
				if (failure != null) {
					this.statistics.error(failure);
					if (setState(run, SubscriptionState.FAILED, true)) {
						this.services.observer().failed(snapshot(), failure);
					}
				}
				else {
					setState(run, SubscriptionState.STOPPED, true);
					logger.info("Subscription '{}' stopped {}", this.endpoint.id(), where());
				}
			}
			finally {
				run.thread = null;
				run.finished.countDown();
				thread.setName(executorName);
			}
		}
	}

	private @Nullable Throwable subscribeAndDrain(Run run) {
		int attempt = 0;
		Throwable lastCause = null;
		while (!run.stopRequested()) {
			if (attempt > 0) {
				Duration delay = this.services.settings().resubscribe().delay(attempt,
						ThreadLocalRandom.current().nextDouble());
				setState(run, SubscriptionState.RECONNECTING);
				this.services.observer().reconnecting(this.endpoint.id(), attempt, delay, lastCause);
				if (attempt == 1) {
					logger.info("Subscription '{}' resubscribes in {} ms", this.endpoint.id(), delay.toMillis());
				}
				else {
					// The WARN of the failed attempt just before says why; one line per attempt is enough.
					logger.debug("Subscription '{}' resubscribes in {} ms (attempt {})", this.endpoint.id(),
							delay.toMillis(), attempt);
				}
				if (run.sleepUnlessStopped(delay)) {
					break;
				}
			}
			Session session = this.subscriber.handlesOnClientThread()
					? new Session(this.subscriber.queueCapacity(), (message) -> receive(run, message))
					: new Session(this.subscriber.queueCapacity());
			run.session = session;
			// Messages the client delivers before the state below is set wait for it (a direct session).
			session.holdDeliveries();
			try {
				this.subscriber.subscribe(session);
			}
			catch (InvalidSubscriptionException ex) {
				// A declaration that cannot work: trying again would not help.
				session.close();
				logger.error("Subscription '{}' cannot subscribe: {}", this.endpoint.id(), ex.getMessage());
				return ex;
			}
			catch (Exception ex) {
				session.close();
				if (run.stopRequested()) {
					break;
				}
				if (unwrap(ex) instanceof CheckpointBeyondLogException beyond) {
					// Retrying cannot help: the log will not hold the events again.
					logger.error(beyond.getMessage());
					return beyond;
				}
				lastCause = unwrap(ex);
				ConnectionFailure misconfigured = diagnose(lastCause);
				this.statistics.error(lastCause, misconfigured);
				logger.warn("Subscription '{}' could not subscribe to {} (attempt {}): {}", this.endpoint.id(),
						describe(), attempt + 1, (misconfigured != null) ? misconfigured.message() : lastCause.toString());
				attempt++;
				continue;
			}
			if (attempt > 0) {
				Checkpoint resumed = this.subscriber.position();
				logger.info("Subscription '{}' resubscribed to {} {}", this.endpoint.id(), describe(),
						(resumed != null) ? "after " + resumed : "before its first event");
			}
			else {
				logger.info("Subscription '{}' subscribed to {}", this.endpoint.id(), describe());
			}
			attempt = 0;
			setState(run, this.subscriber.stateWhenSubscribed());
			session.releaseDeliveries();
			Subscriber.Exit exit = drain(run, session);
			switch (exit.kind()) {
				case STOP -> {
					return null;
				}
				case FAILED -> {
					return exit.cause();
				}
				case DROPPED -> {
					session.close();
					this.statistics.reconnected();
					lastCause = exit.cause();
					if (lastCause != null) {
						this.statistics.error(lastCause, diagnose(lastCause));
					}
					logger.warn("Subscription '{}' dropped {}: {}", this.endpoint.id(), where(),
							(lastCause != null) ? lastCause.toString() : "no cause given");
					this.services.observer().dropped(snapshot(), lastCause);
					attempt = 1;
				}
			}
		}
		return null;
	}

	/**
	 * Take what the client handed over batch by batch and give each message to the subscriber in order. A stop is
	 * looked at before every message, so it never waits for the rest of a batch; what is left of it is dropped with
	 * the session, and the subscriber's position says where the next session resumes.
	 */
	private Subscriber.Exit drain(Run run, Session session) {
		if (session.isDirect()) {
			return awaitEnd(run, session);
		}
		ArrayList<Session.Message> batch = new ArrayList<>();
		while (true) {
			if (run.stopRequested()) {
				return Subscriber.Exit.stop();
			}
			try {
				batch = session.take(this.subscriber.pollMillis(POLL_MILLIS), batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Subscriber.Exit.stop();
			}
			if (batch.isEmpty()) {
				if (session.isClosed()) {
					// Cancelled by a stop that timed out: nothing more comes, and take() no longer waits.
					return Subscriber.Exit.stop();
				}
				Subscriber.Exit exit = this.subscriber.onIdle(run);
				if (exit != null) {
					return exit;
				}
				continue;
			}
			Subscriber.Exit exit = drainBatch(run, session, batch);
			if (exit == null) {
				exit = this.subscriber.afterBatch();
			}
			batch.clear();
			if (exit != null) {
				return exit;
			}
		}
	}

	/**
	 * A session whose messages are handled on the client's threads: the worker only waits for it to end, and does
	 * the idle work (time-based checkpoint commits, acks that waited long enough) in between, never while a handler
	 * runs; while one runs, only what is safe alongside it ({@link Subscriber#whileHandlerRuns}: acks that are due, or
	 * noting that a due commit waits for the handler).
	 */
	private Subscriber.Exit awaitEnd(Run run, Session session) {
		while (true) {
			Subscriber.Exit exit = session.awaitEnd(() -> this.subscriber.pollMillis(POLL_MILLIS), run::stopRequested,
					() -> this.subscriber.onIdle(run), this.subscriber::whileHandlerRuns);
			if (exit != null) {
				return exit;
			}
		}
	}

	/**
	 * One message of a direct session, on the client's thread. What the subscriber throws fails the subscription, as
	 * on the worker: thrown into the client, it would cancel the call, and the subscription would resubscribe and
	 * meet it again, without end.
	 */
	private Subscriber.@Nullable Exit receive(Run run, Session.Message message) {
		try {
			Subscriber.Exit exit = drainOne(run, message);
			return (exit != null) ? exit : this.subscriber.afterBatch();
		}
		catch (RuntimeException | Error unexpected) {
			logger.error("Subscription '{}' ended unexpectedly", this.endpoint.id(), unexpected);
			return Subscriber.Exit.failed(unexpected);
		}
	}

	private Subscriber.@Nullable Exit drainBatch(Run run, Session session, List<Session.Message> batch) {
		for (int i = 0, size = batch.size(); i < size; i++) {
			if (session.isClosed()) {
				return Subscriber.Exit.stop();
			}
			Subscriber.Exit exit = drainOne(run, batch.get(i));
			if (exit != null) {
				return exit;
			}
		}
		return null;
	}

	private Subscriber.@Nullable Exit drainOne(Run run, Session.Message message) {
		if (run.stopRequested()) {
			return Subscriber.Exit.stop();
		}
		if (message instanceof Session.Dropped dropped) {
			return Subscriber.Exit.dropped(dropped.cause());
		}
		Subscriber.Exit exit = this.subscriber.handle(message, run);
		if (exit != null) {
			return exit;
		}
		if (message instanceof Session.CaughtUp) {
			caughtUp(run);
		}
		return null;
	}

	private void caughtUp(Run run) {
		if (setState(run, SubscriptionState.LIVE)) {
			logger.info("Subscription '{}' caught up {}", this.endpoint.id(), where());
			this.services.observer().caughtUp(snapshot());
		}
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
	 * Whether a subscribe or drop error is a misconfiguration (credentials, TLS) that resubscribing will not cure.
	 * @return the failure, or {@code null} for any other error
	 */
	private @Nullable ConnectionFailure diagnose(Throwable error) {
		try {
			return this.services.clients().diagnose(error).orElse(null);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not classify the error of subscription '{}'", this.endpoint.id(), ex);
			return null;
		}
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while ((current instanceof ExecutionException || current instanceof CompletionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Where the subscription is, for log messages.
	 * @return "at 41", "at C:1234/P:1234", or "before its first event"
	 */
	private String where() {
		Checkpoint position = this.subscriber.position();
		return (position != null) ? "at " + position : "before its first event";
	}

	/**
	 * A description for log messages.
	 * @return e.g. "stream 'orders'" or "group 'g' of stream 'orders'"
	 */
	private String describe() {
		return (this.endpoint.group() != null)
				? "group '" + this.endpoint.group() + "' of stream '" + this.endpoint.stream() + "'"
				: "stream '" + this.endpoint.stream() + "'";
	}

}
