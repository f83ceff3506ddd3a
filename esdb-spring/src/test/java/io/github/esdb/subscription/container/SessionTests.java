package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A direct session's hand-over between the client's threads and the worker, thread by thread: what the worker gives
 * up must never be handled, and the worker never ends a session while a handler runs.
 */
class SessionTests {

	@Test
	void aMessageHeldBackWhileSubscribingIsNotHandledOnceTheSubscribeFailed() throws Exception {
		List<Session.Message> received = new CopyOnWriteArrayList<>();
		Session session = new Session(1, (message) -> {
			received.add(message);
			return null;
		});
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch subscribeFails = new CountDownLatch(1);
		// The worker: holds deliveries back while it subscribes, and closes the session when the subscribe fails.
		Thread worker = new Thread(() -> {
			session.holdDeliveries();
			held.countDown();
			awaitLatch(subscribeFails);
			session.close();
		}, "test-worker");
		worker.start();
		assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
		// The client delivers meanwhile (the server confirmed just after the subscribe timed out): it waits.
		Thread client = new Thread(() -> session.put(new Session.Dropped(null)), "test-client");
		client.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> client.getState() == Thread.State.WAITING);
		// A stop request looked at by the worker's side holds the session's lock for a moment; close() needs it too.
		CountDownLatch lockHeld = new CountDownLatch(1);
		CountDownLatch letGo = new CountDownLatch(1);
		Thread looking = new Thread(() -> endOrReport(session, () -> {
			lockHeld.countDown();
			awaitLatch(letGo);
			return true;
		}, new AtomicReference<>(), new AtomicReference<>()), "test-stop-request");
		looking.start();
		assertThat(lockHeld.await(10, TimeUnit.SECONDS)).isTrue();
		subscribeFails.countDown();
		try {
			// The session is being closed: the message waiting for the held-back deliveries must not reach the handler.
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(received::isEmpty);
		}
		finally {
			letGo.countDown();
			worker.join(10_000);
			client.join(10_000);
			looking.join(10_000);
		}
		assertThat(session.isClosed()).isTrue();
		assertThat(received).isEmpty();
	}

	@Test
	void anInterruptedWorkerEndsTheSessionOnlyOnceTheRunningHandlerReturned() throws Exception {
		List<Session.Message> received = new CopyOnWriteArrayList<>();
		CountDownLatch handling = new CountDownLatch(1);
		CountDownLatch handlerReturns = new CountDownLatch(1);
		Session session = new Session(1, (message) -> {
			received.add(message);
			handling.countDown();
			awaitLatch(handlerReturns);
			return null;
		});
		Thread client = new Thread(() -> session.put(new Session.Dropped(null)), "test-client");
		client.start();
		assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();
		AtomicReference<Subscriber.Exit> ended = new AtomicReference<>();
		AtomicReference<Exception> failure = new AtomicReference<>();
		AtomicBoolean stillInterrupted = new AtomicBoolean();
		Thread worker = new Thread(() -> {
			endOrReport(session, () -> false, ended, failure);
			stillInterrupted.set(Thread.currentThread().isInterrupted());
		}, "test-worker");
		worker.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> worker.getState() == Thread.State.TIMED_WAITING);
		// Interrupted while it waits for the session to end (not by a stop that timed out, which closes the session
		// first): the handler still runs, so the worker must not end the session, and with it the run, yet.
		worker.interrupt();
		try {
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(worker::isAlive);
		}
		finally {
			handlerReturns.countDown();
			worker.join(10_000);
			client.join(10_000);
		}
		assertThat(failure).hasNullValue();
		assertThat(ended).hasValue(Subscriber.Exit.stop());
		assertThat(stillInterrupted).isTrue();
		// Ended: nothing is handled after it.
		session.put(new Session.Dropped(null));
		assertThat(received).hasSize(1);
	}

	@Test
	void aHandlerMakingIdleWorkDueSoonerWakesTheWorkerOnlyWhenItWouldSleepPastIt() throws Exception {
		Session session = new Session(1, (message) -> null);
		AtomicInteger idleRuns = new AtomicInteger();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicReference<Long> sleepMillis = new AtomicReference<>(60_000L);
		Thread worker = new Thread(() -> {
			while (!stop.get()) {
				session.awaitEnd(sleepMillis::get, stop::get, () -> {
					idleRuns.incrementAndGet();
					return null;
				}, () -> {
				});
			}
		}, "test-worker");
		worker.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.getState() == Thread.State.TIMED_WAITING);
			// Due long after the worker wakes by itself: left asleep.
			session.wakeBy(System.nanoTime() + TimeUnit.MINUTES.toNanos(5));
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> idleRuns.get() == 0);
			// Due now, and the worker sleeps for a minute: woken, its idle work runs at once.
			session.wakeBy(System.nanoTime());
			await().atMost(Duration.ofSeconds(5)).until(() -> idleRuns.get() == 1);
		}
		finally {
			stop.set(true);
			session.wake();
			worker.join(10_000);
		}
		assertThat(worker.isAlive()).isFalse();
	}

	@Test
	void aStopInterruptsOnlyARunningHandlerAndTheClientsThreadNeverKeepsTheInterrupt() throws Exception {
		AtomicInteger interruptedWhileHandling = new AtomicInteger();
		Session session = new Session(1, (message) -> {
			// A few microseconds of work, so that the stop's interrupts land both inside and around the handler.
			long until = System.nanoTime() + 3_000;
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
			if (Thread.currentThread().isInterrupted()) {
				interruptedWhileHandling.incrementAndGet();
			}
			return null;
		});
		AtomicBoolean done = new AtomicBoolean();
		AtomicInteger leftInterrupted = new AtomicInteger();
		AtomicInteger delivered = new AtomicInteger();
		Thread client = new Thread(() -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while ((delivered.get() < 20_000 || interruptedWhileHandling.get() < 50) && System.nanoTime() < deadline) {
				session.put(new Session.Dropped(null));
				delivered.incrementAndGet();
				// The thread goes back to the client's pool here: it must not carry a stop's interrupt with it.
				if (Thread.interrupted()) {
					leftInterrupted.incrementAndGet();
				}
			}
			done.set(true);
		}, "test-client");
		Thread stopper = new Thread(() -> {
			while (!done.get()) {
				session.interruptHandler();
				Thread.onSpinWait();
			}
		}, "test-stop-timeout");
		client.start();
		stopper.start();
		client.join(30_000);
		done.set(true);
		stopper.join(10_000);
		assertThat(client.isAlive()).isFalse();
		assertThat(interruptedWhileHandling.get()).as("interrupts that reached a running handler").isPositive();
		assertThat(leftInterrupted.get()).as("deliveries after which the client's thread stayed interrupted")
			.isZero();
		assertThat(session.isHandler(client)).isFalse();
	}

	@Test
	void aSecondStopInterruptsAHandlerThatSwallowedTheFirstInterrupt() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		AtomicInteger interrupts = new AtomicInteger();
		Session session = new Session(1, (message) -> {
			running.countDown();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (interrupts.get() < 2 && System.nanoTime() < deadline) {
				// Swallows each interrupt, as a handler that catches InterruptedException and goes on would.
				if (Thread.interrupted()) {
					interrupts.incrementAndGet();
				}
				Thread.onSpinWait();
			}
			return null;
		});
		AtomicBoolean leftInterrupted = new AtomicBoolean();
		Thread client = new Thread(() -> {
			session.put(new Session.Dropped(null));
			leftInterrupted.set(Thread.currentThread().isInterrupted());
		}, "test-client");
		client.start();
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		session.interruptHandler();
		await().atMost(Duration.ofSeconds(5)).until(() -> interrupts.get() == 1);
		session.interruptHandler();
		client.join(30_000);
		assertThat(interrupts.get()).isEqualTo(2);
		assertThat(leftInterrupted.get()).isFalse();
		assertThat(session.isHandler(client)).isFalse();
	}

	/** The worker's wait for the session's end; what it throws is kept for the test to report. */
	private static void endOrReport(Session session, BooleanSupplier stopRequested,
			AtomicReference<Subscriber.Exit> ended, AtomicReference<Exception> failure) {
		try {
			ended.set(session.awaitEnd(() -> 60_000, stopRequested, () -> null, () -> {
			}));
		}
		catch (Exception ex) {
			failure.set(ex);
		}
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
