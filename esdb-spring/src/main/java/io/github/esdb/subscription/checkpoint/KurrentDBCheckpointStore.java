package io.github.esdb.subscription.checkpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.connection.ClientCalls;
import io.github.esdb.connection.ConnectionFailure;
import io.github.esdb.event.LogPosition;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;

/**
 * Keeps each catch-up subscription's checkpoint in KurrentDB itself, in the stream {@code <prefix><id>} (by default
 * {@code $esdb-checkpoint-<id>}): one small JSON event per commit, the stream capped by {@code $maxCount}. The
 * {@code $} prefix makes it a system stream, which user filters on {@code $all} do not match; unfiltered {@code $all}
 * subscriptions skip it explicitly.
 */
public class KurrentDBCheckpointStore implements CheckpointStore {

	/** The type of checkpoint events. */
	public static final String EVENT_TYPE = "$esdb-checkpoint";

	private static final Logger logger = LoggerFactory.getLogger(KurrentDBCheckpointStore.class);

	private final Supplier<KurrentDBClient> client;

	private final EventSerializer serializer;

	private final String streamPrefix;

	private final long maxCount;

	private final Duration timeout;

	private final Set<String> cappedStreams = ConcurrentHashMap.newKeySet();

	private final Map<String, Writer> writers = new ConcurrentHashMap<>();

	/**
	 * Create the store.
	 * @param client supplies a working client, asked on each read and write (for example
	 * {@code KurrentDBClientProvider::client})
	 * @param serializer writes and reads the JSON
	 * @param streamPrefix the checkpoint streams' prefix
	 * @param maxCount how many checkpoint events each stream keeps
	 * @param timeout how long a read or write may take
	 */
	public KurrentDBCheckpointStore(Supplier<KurrentDBClient> client, EventSerializer serializer, String streamPrefix,
			long maxCount, Duration timeout) {
		this.client = client;
		this.serializer = serializer;
		this.streamPrefix = streamPrefix;
		this.maxCount = maxCount;
		this.timeout = timeout;
	}

	/**
	 * The stream holding a subscription's checkpoints.
	 * @param subscriptionId the subscription
	 * @return the stream name
	 */
	public String streamOf(String subscriptionId) {
		return this.streamPrefix + subscriptionId;
	}

	@Override
	public Optional<Checkpoint> load(String subscriptionId) {
		try {
			// A restart within this process must see what it stored before, not an older checkpoint.
			flush(subscriptionId);
		}
		catch (IllegalStateException ex) {
			logger.debug("Loading the checkpoint of '{}' without its last write: {}", subscriptionId, ex.getMessage());
		}
		String stream = streamOf(subscriptionId);
		try {
			ReadResult result = await(this.client.get()
				.readStream(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(1)));
			if (result.getEvents().isEmpty()) {
				return Optional.empty();
			}
			this.cappedStreams.add(stream);
			return Optional.of(parse(result.getEvents().get(0).getOriginalEvent()));
		}
		catch (StreamNotFoundException ex) {
			return Optional.empty();
		}
	}

	private Checkpoint parse(RecordedEvent event) {
		Map<String, Object> fields = this.serializer.readMetadata(event.getEventData());
		if (fields.containsKey("revision")) {
			return Checkpoint.ofRevision(((Number) fields.get("revision")).longValue());
		}
		if (fields.containsKey("commit")) {
			return Checkpoint.ofPosition(new LogPosition(((Number) fields.get("commit")).longValue(),
					((Number) fields.get("prepare")).longValue()));
		}
		throw new IllegalStateException("Checkpoint event " + event.getEventId() + " in " + event.getStreamId()
				+ " holds neither a revision nor a position");
	}

	/**
	 * Store a checkpoint without waiting for the write: the subscription goes on handling events while it is written.
	 * Writes of one subscription are sent one at a time, in order; checkpoints stored while one is being written
	 * collapse into the newest. A failed write is logged and retried with the next checkpoint or at {@link #flush}.
	 * Losing a write loses no event: the subscription then resumes from an older checkpoint and sees some events again.
	 */
	@Override
	public void store(String subscriptionId, Checkpoint checkpoint) {
		this.writers.computeIfAbsent(subscriptionId, Writer::new).submit(checkpoint);
	}

	@Override
	public void flush(String subscriptionId) {
		Writer writer = this.writers.get(subscriptionId);
		if (writer != null) {
			writer.flush();
		}
	}

	private CompletableFuture<?> write(String stream, Checkpoint checkpoint) {
		Map<String, Object> fields = new LinkedHashMap<>();
		if (checkpoint.isPosition()) {
			fields.put("commit", checkpoint.position().commit());
			fields.put("prepare", checkpoint.position().prepare());
		}
		else {
			fields.put("revision", checkpoint.revision());
		}
		EventData event = EventData.builderAsJson(EVENT_TYPE, this.serializer.writeMetadata(fields)).build();
		CompletableFuture<?> appended = this.client.get().appendToStream(stream, event);
		if (this.cappedStreams.contains(stream)) {
			return appended;
		}
		// Only the latest checkpoint matters; cap the stream so it does not grow with every commit.
		return appended.thenCompose((result) -> ClientCalls.capStream(this.client.get(), stream, this.maxCount))
			.thenRun(() -> this.cappedStreams.add(stream));
	}

	/** Sends one subscription's checkpoints one at a time, keeping only the newest while a write is out. */
	private final class Writer {

		private final String subscriptionId;

		private Checkpoint pending;

		private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

		private Throwable lastFailure;

		Writer(String subscriptionId) {
			this.subscriptionId = subscriptionId;
		}

		synchronized void submit(Checkpoint checkpoint) {
			this.pending = checkpoint;
			if (this.inFlight.isDone()) {
				sendPending();
			}
		}

		private synchronized void sendPending() {
			Checkpoint next = this.pending;
			if (next == null) {
				return;
			}
			this.pending = null;
			CompletableFuture<?> write;
			try {
				write = write(streamOf(this.subscriptionId), next);
			}
			catch (RuntimeException ex) {
				write = CompletableFuture.failedFuture(ex);
			}
			this.inFlight = write;
			write.whenComplete((result, failure) -> written(next, failure));
		}

		private synchronized void written(Checkpoint checkpoint, Throwable failure) {
			if (failure != null) {
				this.lastFailure = failure;
				// Keep it for the next attempt unless a newer one is already waiting; retrying right away would spin
				// while the server is down.
				if (this.pending == null) {
					this.pending = checkpoint;
				}
				// An access denied names the rights to grant rather than a bare gRPC status.
				logger.warn("Could not store checkpoint {} of subscription '{}' in stream {}: {}", checkpoint,
						this.subscriptionId, streamOf(this.subscriptionId), ConnectionFailure.classify(failure, null)
							.filter((f) -> f.kind() == ConnectionFailure.Kind.ACCESS_DENIED)
							.map(ConnectionFailure::message)
							.orElse(String.valueOf(failure)));
				return;
			}
			this.lastFailure = null;
			sendPending();
		}

		/**
		 * Wait until the newest checkpoint is written. A checkpoint whose write already failed is tried once more,
		 * not again and again: while the server is down every attempt fails at once, and a loop would spend the
		 * whole stop budget (of this and the other subscriptions stopping with it) and flood the log.
		 */
		void flush() {
			long deadline = System.nanoTime() + KurrentDBCheckpointStore.this.timeout.toNanos();
			boolean retried = false;
			while (true) {
				CompletableFuture<?> waitFor;
				synchronized (this) {
					if (this.inFlight.isDone()) {
						if (this.pending == null && this.lastFailure == null) {
							return;
						}
						if (this.pending == null || (this.lastFailure != null && retried)) {
							throw new IllegalStateException("The last checkpoint of subscription '"
									+ this.subscriptionId + "' could not be stored", this.lastFailure);
						}
						retried |= this.lastFailure != null;
						sendPending();
					}
					waitFor = this.inFlight;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException("Storing the checkpoint of subscription '" + this.subscriptionId
							+ "' did not finish within " + KurrentDBCheckpointStore.this.timeout);
				}
				try {
					waitFor.get(left, TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while storing a checkpoint", ex);
				}
				catch (ExecutionException | TimeoutException ex) {
					// Failures are recorded by written(); the loop reports them or times out.
				}
			}
		}

	}

	private <T> T await(CompletableFuture<T> future) {
		return ClientCalls.await(future, this.timeout, "a checkpoint");
	}

}
