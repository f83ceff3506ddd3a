package io.github.esdb.autoconfigure.subscription;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.util.function.SingletonSupplier;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.subscription.checkpoint.KurrentDBCheckpointStore;

/**
 * The default checkpoint store when {@code esdb.subscriptions.checkpoint.stores.<id>} gives some subscriptions a
 * store of their own: their checkpoints go to that store, every other subscription's to the default one.
 */
final class PerSubscriptionCheckpointStore implements CheckpointStore {

	private final CheckpointStore defaultStore;

	private final Map<String, SubscriptionProperties.StoreType> stores;

	private final Supplier<CheckpointStore> memory = SingletonSupplier.of(InMemoryCheckpointStore::new);

	private final Supplier<CheckpointStore> kurrentdb;

	/**
	 * Create the store.
	 * @param defaultStore the store of subscriptions that are not listed
	 * @param stores the store type by subscription id
	 * @param kurrentdb creates a KurrentDB store, asked at most once and only when the default store is not one
	 */
	PerSubscriptionCheckpointStore(CheckpointStore defaultStore, Map<String, SubscriptionProperties.StoreType> stores,
			Supplier<KurrentDBCheckpointStore> kurrentdb) {
		this.defaultStore = defaultStore;
		this.stores = Map.copyOf(stores);
		this.kurrentdb = (defaultStore instanceof KurrentDBCheckpointStore) ? () -> defaultStore
				: SingletonSupplier.of(kurrentdb::get);
	}

	private CheckpointStore storeOf(String subscriptionId) {
		SubscriptionProperties.StoreType type = this.stores.get(subscriptionId);
		if (type == null) {
			return this.defaultStore;
		}
		return (type == SubscriptionProperties.StoreType.MEMORY) ? this.memory.get() : this.kurrentdb.get();
	}

	@Override
	public Optional<Checkpoint> load(String subscriptionId) {
		return storeOf(subscriptionId).load(subscriptionId);
	}

	@Override
	public void store(String subscriptionId, Checkpoint checkpoint) {
		storeOf(subscriptionId).store(subscriptionId, checkpoint);
	}

	@Override
	public void flush(String subscriptionId) {
		storeOf(subscriptionId).flush(subscriptionId);
	}

	@Override
	public String toString() {
		return "PerSubscriptionCheckpointStore[default=" + this.defaultStore + ", stores=" + this.stores + "]";
	}

}
