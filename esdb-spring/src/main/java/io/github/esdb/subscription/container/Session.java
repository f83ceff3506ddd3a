package io.github.esdb.subscription.container;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;

/**
 * One subscribe call's hand-over between the client's gRPC threads and the container's worker thread. The bounded
 * queue is the back-pressure: when it is full the gRPC listener blocks, the client stops requesting more messages
 * from the server, and the heap stays bounded however slow the handler is.
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

	private final BlockingQueue<Message> queue;

	private volatile boolean closed;

	private volatile Runnable canceller;

	Session(int capacity) {
		this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
	}

	/**
	 * Called on gRPC threads: block while the queue is full, give up once the session is closed so a cancelled
	 * call's thread never hangs.
	 */
	void put(Message message) {
		try {
			while (!this.closed) {
				if (this.queue.offer(message, 100, TimeUnit.MILLISECONDS)) {
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	Message poll(long millis) throws InterruptedException {
		return this.queue.poll(millis, TimeUnit.MILLISECONDS);
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
		this.closed = true;
		this.queue.clear();
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
