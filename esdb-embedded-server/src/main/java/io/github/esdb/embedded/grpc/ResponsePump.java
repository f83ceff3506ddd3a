package io.github.esdb.embedded.grpc;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages from a {@link Source} to a server-streaming call only while the transport is ready, so a slow
 * client leaves the data in the store instead of in a buffer. One drain runs at a time (work-in-progress counter);
 * anything that may have produced work (readiness, a commit, a shutdown) just calls {@link #signal()}.
 *
 * @param <T> the response type
 */
final class ResponsePump<T> {

	private static final Logger logger = LoggerFactory.getLogger(ResponsePump.class);

	/** Messages sent per drain before yielding the thread to other calls. */
	private static final int FAIRNESS_BATCH = 512;

	/** Bytes one call may have queued in the transport before it stops producing. */
	private static final int ON_READY_THRESHOLD = 256 * 1024;

	/** Produces the responses of one call. */
	interface Source<T> {

		/**
		 * The next message, or null when nothing is available now.
		 * @throws StatusRuntimeException to end the call with that status
		 */
		T poll();

		/** Whether the call is over once {@link #poll()} returned null (a read), or waits for more (a subscription). */
		boolean complete();

		/** Called once when the call ends for any reason. */
		default void closed() {
		}

	}

	private final ServerCallStreamObserver<T> observer;

	private final Source<T> source;

	private final Executor executor;

	private final ActiveCalls activeCalls;

	private final AtomicInteger wip = new AtomicInteger();

	private volatile boolean closed;

	private volatile boolean started;

	private volatile StatusRuntimeException pendingError;

	ResponsePump(ServerCallStreamObserver<T> observer, Source<T> source, Executor executor, ActiveCalls activeCalls) {
		this.observer = observer;
		this.source = source;
		this.executor = executor;
		this.activeCalls = activeCalls;
	}

	/** Hooks readiness and cancellation; call once, from the call's thread, before {@link #signal()}. */
	void start() {
		// The default 32 KiB threshold makes a fast reader ping-pong between this thread and the event loop every
		// ~100 events; a larger bound keeps the transport busy while still capping what one call may queue.
		this.observer.setOnReadyThreshold(ON_READY_THRESHOLD);
		this.observer.setOnReadyHandler(this::signal);
		this.observer.setOnCancelHandler(this::close);
		this.activeCalls.add(this);
		this.started = true;
		signal();
	}

	/** Ends the call with an error (e.g. UNAVAILABLE at shutdown), after the drain in progress. */
	void fail(StatusRuntimeException error) {
		this.pendingError = error;
		signal();
	}

	boolean isClosed() {
		return this.closed;
	}

	void signal() {
		if (!this.started || this.closed || this.wip.getAndIncrement() != 0) {
			return;
		}
		try {
			this.executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			// Executor is gone: the server is stopping and the transport ends the call.
			close();
		}
	}

	private void drain() {
		int missed = 1;
		do {
			if (!drainOnce()) {
				return;
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/** Returns false when the drain rescheduled itself (fairness) and this run must not touch the counter. */
	private boolean drainOnce() {
		int sent = 0;
		try {
			while (!this.closed) {
				StatusRuntimeException error = this.pendingError;
				if (error != null) {
					close();
					this.observer.onError(error);
					return true;
				}
				if (!this.observer.isReady()) {
					return true;
				}
				if (sent >= FAIRNESS_BATCH) {
					// Let other calls use this thread; keep the counter raised so nobody else starts a drain.
					this.executor.execute(this::drain);
					return false;
				}
				T message = this.source.poll();
				if (message == null) {
					if (this.source.complete()) {
						close();
						this.observer.onCompleted();
					}
					return true;
				}
				this.observer.onNext(message);
				sent++;
			}
		}
		catch (StatusRuntimeException ex) {
			close();
			safeError(ex);
		}
		catch (RejectedExecutionException ex) {
			close();
		}
		catch (RuntimeException ex) {
			logger.error("Failed to serve a read", ex);
			close();
			safeError(Status.INTERNAL.withDescription("Internal error").asRuntimeException());
		}
		return true;
	}

	private void safeError(StatusRuntimeException ex) {
		try {
			this.observer.onError(ex);
		}
		catch (RuntimeException ignored) {
			// The call was cancelled meanwhile.
		}
	}

	private synchronized void close() {
		if (!this.closed) {
			this.closed = true;
			this.activeCalls.remove(this);
			this.source.closed();
		}
	}

}
