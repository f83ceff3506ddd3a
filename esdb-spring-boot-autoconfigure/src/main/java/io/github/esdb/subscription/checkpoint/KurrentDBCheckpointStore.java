package io.github.esdb.subscription.checkpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;

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

	private final Supplier<KurrentDBClient> client;

	private final EventSerializer serializer;

	private final String streamPrefix;

	private final long maxCount;

	private final Duration timeout;

	private final Set<String> cappedStreams = ConcurrentHashMap.newKeySet();

	/**
	 * Create the store.
	 * @param client supplies a working client
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
			return Checkpoint.ofPosition(new Position(((Number) fields.get("commit")).longValue(),
					((Number) fields.get("prepare")).longValue()));
		}
		throw new IllegalStateException("Checkpoint event " + event.getEventId() + " in " + event.getStreamId()
				+ " holds neither a revision nor a position");
	}

	@Override
	public void store(String subscriptionId, Checkpoint checkpoint) {
		String stream = streamOf(subscriptionId);
		Map<String, Object> fields = new LinkedHashMap<>();
		if (checkpoint.isPosition()) {
			fields.put("commit", checkpoint.position().getCommitUnsigned());
			fields.put("prepare", checkpoint.position().getPrepareUnsigned());
		}
		else {
			fields.put("revision", checkpoint.revision());
		}
		EventData event = EventData.builderAsJson(EVENT_TYPE, this.serializer.writeMetadata(fields)).build();
		await(this.client.get().appendToStream(stream, event));
		if (!this.cappedStreams.contains(stream)) {
			// Only the latest checkpoint matters; cap the stream so it does not grow with every commit.
			StreamMetadata metadata = new StreamMetadata();
			metadata.setMaxCount(this.maxCount);
			await(this.client.get().setStreamMetadata(stream, metadata));
			this.cappedStreams.add(stream);
		}
	}

	private <T> T await(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while accessing a checkpoint", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("Checkpoint access failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Checkpoint access timed out after " + this.timeout, ex);
		}
	}

}
