package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.task.TaskExecutor;

/**
 * N workers for one subscription, each with its own queue: work for one partition runs in order on its worker, work
 * for different partitions in parallel. At most {@code maxInFlight} pieces of work wait or run at once across all
 * partitions; {@link #submit} blocks the reader beyond that, which is the back-pressure that keeps memory bounded
 * however slow a partition is. The workers come from the subscription's task executor and live as long as the
 * subscription runs.
 */
final class PartitionWorkers {

	private static final Logger logger = LoggerFactory.getLogger(PartitionWorkers.class);

	private static final Runnable POISON = () -> {
	};

	/** How long a start or close waits for the previous workers to end. */
	private static final Duration END_WAIT = Duration.ofSeconds(10);

	private final String subscriptionId;

	private final List<LinkedBlockingQueue<Runnable>> queues;

	private final Semaphore permits;

	private final int maxInFlight;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final List<Thread> threads = new ArrayList<>();

	private final Object idle = new Object();

	private boolean started;

	/** Counted down by each worker as it ends; a new start waits for the previous workers to be gone. */
	private CountDownLatch running = new CountDownLatch(0);

	PartitionWorkers(String subscriptionId, int partitions, int maxInFlight) {
		this.subscriptionId = subscriptionId;
		this.queues = new ArrayList<>(partitions);
		for (int i = 0; i < partitions; i++) {
			this.queues.add(new LinkedBlockingQueue<>());
		}
		this.maxInFlight = Math.max(partitions, maxInFlight);
		this.permits = new Semaphore(this.maxInFlight);
	}

	/**
	 * Start the workers if they do not run yet.
	 * @param executor where their threads come from
	 */
	synchronized void start(TaskExecutor executor) {
		if (this.started) {
			return;
		}
		// Two workers on one queue would break the order of its events: the previous ones must have taken their
		// end marker before new ones start.
		awaitEnded(this.running);
		this.started = true;
		CountDownLatch latch = new CountDownLatch(this.queues.size());
		this.running = latch;
		for (int i = 0; i < this.queues.size(); i++) {
			int partition = i;
			executor.execute(() -> {
				try {
					work(partition);
				}
				finally {
					latch.countDown();
				}
			});
		}
	}

	private void awaitEnded(CountDownLatch latch) {
		try {
			if (!latch.await(END_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Subscription '" + this.subscriptionId + "' cannot start its "
						+ "partitions: a handler of its previous run has not returned within " + END_WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the previous partitions to end", ex);
		}
	}

	/**
	 * The partition of a key.
	 * @param key the partition key
	 * @return a partition number
	 */
	int partitionOf(Object key) {
		return partitionOf(key, this.queues.size());
	}

	/**
	 * The partition of a key among a number of partitions: also the segment of a key across instances, so that
	 * a key's events go to the same partition number either way.
	 * @param key the partition key
	 * @param partitions how many partitions there are
	 * @return a partition number
	 */
	static int partitionOf(Object key, int partitions) {
		// Spread the hash so keys that differ only in high bits still land on different partitions.
		int hash = key.hashCode();
		hash ^= (hash >>> 16);
		return Math.floorMod(hash, partitions);
	}

	/**
	 * Queue work for a partition, waiting while {@code maxInFlight} pieces of work are out.
	 * @param partition the partition
	 * @param work the work
	 * @param stop sleeps unless a stop is requested
	 * @return false if a stop was requested while waiting (the work was not queued)
	 */
	boolean submit(int partition, Runnable work, SubscriptionErrorHandler.Sleeper stop) {
		try {
			while (!this.permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
				if (stop.sleepUnlessStopped(Duration.ZERO)) {
					return false;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		this.inFlight.incrementAndGet();
		this.queues.get(partition).add(work);
		return true;
	}

	/**
	 * Work queued or running.
	 * @return the count
	 */
	int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Wait until every queued piece of work has run.
	 * @param timeout how long at most
	 * @return true if all work finished
	 */
	boolean awaitIdle(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.idle) {
			while (this.inFlight.get() > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					this.idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Drop work that has not started; what runs finishes.
	 */
	void discardQueued() {
		for (LinkedBlockingQueue<Runnable> queue : this.queues) {
			List<Runnable> dropped = new ArrayList<>();
			queue.drainTo(dropped);
			dropped.forEach((work) -> done());
		}
	}

	/**
	 * Interrupt the running work (a stop that timed out).
	 */
	synchronized void interrupt() {
		this.threads.forEach(Thread::interrupt);
	}

	/**
	 * End the workers once their queues are empty, and wait (a while) until they are gone.
	 */
	void close() {
		CountDownLatch latch;
		synchronized (this) {
			if (!this.started) {
				return;
			}
			this.started = false;
			this.queues.forEach((queue) -> queue.add(POISON));
			latch = this.running;
		}
		try {
			if (!latch.await(END_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Subscription '{}' has partitions still busy {} after it stopped", this.subscriptionId,
						END_WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void work(int partition) {
		Thread thread = Thread.currentThread();
		String executorName = thread.getName();
		thread.setName("esdb-subscription-" + this.subscriptionId + "-p" + partition);
		synchronized (this) {
			this.threads.add(thread);
		}
		LinkedBlockingQueue<Runnable> queue = this.queues.get(partition);
		try {
			while (true) {
				Runnable work;
				try {
					work = queue.take();
				}
				catch (InterruptedException ex) {
					// Interrupted by a forced stop between two pieces of work: keep serving until told to end.
					continue;
				}
				if (work == POISON) {
					return;
				}
				try {
					work.run();
				}
				catch (RuntimeException | Error ex) {
					logger.error("Subscription '{}' partition {} failed unexpectedly", this.subscriptionId, partition,
							ex);
				}
				finally {
					Thread.interrupted();
					done();
				}
			}
		}
		finally {
			synchronized (this) {
				this.threads.remove(thread);
			}
			thread.setName(executorName);
		}
	}

	private void done() {
		this.permits.release();
		if (this.inFlight.decrementAndGet() == 0) {
			synchronized (this.idle) {
				this.idle.notifyAll();
			}
		}
	}

	/**
	 * The number of partitions.
	 * @return the count
	 */
	int partitions() {
		return this.queues.size();
	}

	/**
	 * How many pieces of work may be out at once.
	 * @return the bound
	 */
	int maxInFlight() {
		return this.maxInFlight;
	}

}
