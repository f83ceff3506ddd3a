package io.github.esdb.connection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.WriteResult;

/**
 * Waits for the client's asynchronous calls where the caller needs the answer now (checkpoints, leases), with one
 * translation of what can go wrong: the client's own runtime exception as it is, anything else wrapped with what was
 * being done. Also how the checkpoint and lease stores cap their streams.
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

	/**
	 * Cap a stream at its newest {@code maxCount} events: the {@code $metadata} event with only {@code $maxCount}
	 * appended to the stream's metadata stream {@code $$<stream>}, which is what the client's
	 * {@code setStreamMetadata} sends. The client's method builds a new Jackson 2 mapper for every call and
	 * introspects its {@code StreamMetadata} bean through it. A new subscription caps its checkpoint stream at the
	 * first write, while it delivers events, and a flight recording of the benchmark showed that path deoptimizing
	 * Jackson 2 code that the client's per-event telemetry also runs (see "What changed in run 12" in
	 * docs/performance.md).
	 * @param client the client
	 * @param stream the stream to cap
	 * @param maxCount how many of its newest events the stream keeps
	 * @return the append to the metadata stream
	 */
	public static CompletableFuture<WriteResult> capStream(KurrentDBClient client, String stream, long maxCount) {
		byte[] metadata = ("{\"$maxCount\":" + maxCount + "}").getBytes(StandardCharsets.UTF_8);
		return client.appendToStream("$$" + stream, EventData.builderAsJson("$metadata", metadata).build());
	}

}
