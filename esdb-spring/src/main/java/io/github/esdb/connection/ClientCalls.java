package io.github.esdb.connection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the client's asynchronous calls where the caller needs the answer now (checkpoints, leases), with one
 * translation of what can go wrong: the client's own runtime exception as it is, anything else wrapped with what was
 * being done.
 */
public final class ClientCalls {

	private ClientCalls() {
	}

	/**
	 * Wait for a call's result.
	 * @param future the call
	 * @param timeout how long to wait
	 * @param what what the call does, for messages ("a checkpoint", "a lease")
	 * @param <T> the result type
	 * @return the result
	 * @throws RuntimeException the client's exception, or an {@link IllegalStateException} saying what was being
	 * accessed when interrupted, timed out or failed with a checked exception
	 */
	public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while accessing " + what, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("Accessing " + what + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Accessing " + what + " timed out after " + timeout, ex);
		}
	}

}
