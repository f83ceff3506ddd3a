package io.github.esdb.observability;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a poll on its own daemon thread at a fixed delay between {@link #start()} and {@link #stop()}. A poll that
 * throws is logged and the schedule goes on: a watchdog must keep watching. The thread is a daemon so that a poll
 * stuck on a dead connection cannot keep the JVM alive; {@link #stop()} ends it.
 */
public final class FixedDelayPoller {

	private static final Logger logger = LoggerFactory.getLogger(FixedDelayPoller.class);

	private final String threadName;

	private final Duration initialDelay;

	private final Duration interval;

	private final Runnable poll;

	private final Object lifecycleMonitor = new Object();

	private ScheduledExecutorService scheduler;

	/**
	 * Create a poller.
	 * @param threadName the name of its thread, also used in log messages
	 * @param initialDelay the delay before the first poll
	 * @param interval the delay between the end of one poll and the start of the next
	 * @param poll what to run
	 */
	public FixedDelayPoller(String threadName, Duration initialDelay, Duration interval, Runnable poll) {
		this.threadName = threadName;
		this.initialDelay = initialDelay;
		this.interval = interval;
		this.poll = poll;
	}

	/**
	 * Start polling, unless already started.
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.scheduler != null) {
				return;
			}
			this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, this.threadName);
				thread.setDaemon(true);
				return thread;
			});
			this.scheduler.scheduleWithFixedDelay(this::pollSafely, this.initialDelay.toMillis(),
					this.interval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Run a task once on the poller's thread, soon; ignored when the poller is not running.
	 * @param task the task
	 */
	public void execute(Runnable task) {
		synchronized (this.lifecycleMonitor) {
			if (this.scheduler != null) {
				this.scheduler.execute(task);
			}
		}
	}

	private void pollSafely() {
		try {
			this.poll.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Poll of {} failed", this.threadName, ex);
		}
	}

	/**
	 * Stop polling and interrupt a poll in progress.
	 */
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.scheduler != null) {
				this.scheduler.shutdownNow();
				this.scheduler = null;
			}
		}
	}

	/**
	 * Whether it polls.
	 * @return true between start and stop
	 */
	public boolean isRunning() {
		synchronized (this.lifecycleMonitor) {
			return this.scheduler != null;
		}
	}

}
