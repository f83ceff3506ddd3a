package io.github.esdb.subscription.checkpoint;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;

/**
 * Keeps checkpoints in memory: a restarted application reads its catch-up subscriptions from {@code from} again.
 * For tests and for read models that are rebuilt at start-up anyway.
 */
public class InMemoryCheckpointStore implements CheckpointStore {

	private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

	@Override
	public Optional<Checkpoint> load(String subscriptionId) {
		return Optional.ofNullable(this.checkpoints.get(subscriptionId));
	}

	@Override
	public void store(String subscriptionId, Checkpoint checkpoint) {
		this.checkpoints.put(subscriptionId, checkpoint);
	}

	@Override
	public void reset(String subscriptionId) {
		this.checkpoints.remove(subscriptionId);
	}

}
