package io.github.esdb.autoconfigure.subscription;

import java.util.EnumMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.subscription.checkpoint.KurrentDBCheckpointStore;

/**
 * Creates the checkpoint stores that {@code esdb.subscriptions.checkpoint.store} and
 * {@code esdb.subscriptions.by-id.<id>.checkpoint-store} name, one of each kind. The JDBC store needs spring-jdbc and
 * one DataSource (the only or the primary bean); without them start-up fails naming the property.
 */
final class BuiltInCheckpointStores {

	private static final String JDBC_CLIENT = "org.springframework.jdbc.core.simple.JdbcClient";

	private final SubscriptionProperties properties;

	private final KurrentDBClientProvider clients;

	private final EventSerializer serializer;

	private final ObjectProvider<DataSource> dataSources;

	private final Map<SubscriptionProperties.StoreType, CheckpointStore> created = new EnumMap<>(
			SubscriptionProperties.StoreType.class);

	BuiltInCheckpointStores(SubscriptionProperties properties, KurrentDBClientProvider clients,
			EventSerializer serializer, ObjectProvider<DataSource> dataSources) {
		this.properties = properties;
		this.clients = clients;
		this.serializer = serializer;
		this.dataSources = dataSources;
	}

	/**
	 * The store of a kind, created on first use.
	 * @param type the kind
	 * @param property the property that asked for it, for start-up failures
	 * @return the store
	 */
	synchronized CheckpointStore get(SubscriptionProperties.StoreType type, String property) {
		CheckpointStore store = this.created.get(type);
		if (store == null) {
			store = create(type, property);
			this.created.put(type, store);
		}
		return store;
	}

	private CheckpointStore create(SubscriptionProperties.StoreType type, String property) {
		SubscriptionProperties.Checkpoint checkpoint = this.properties.getCheckpoint();
		return switch (type) {
			case MEMORY -> new InMemoryCheckpointStore();
			case KURRENTDB -> new KurrentDBCheckpointStore(this.clients::client, this.serializer,
					checkpoint.getStreamPrefix(), checkpoint.getMaxCount(), this.properties.getSubscribeTimeout());
			case JDBC -> jdbc(property);
		};
	}

	private CheckpointStore jdbc(String property) {
		if (!ClassUtils.isPresent(JDBC_CLIENT, getClass().getClassLoader())) {
			throw new InvalidEsdbConfigurationException(property, "'jdbc' needs spring-jdbc on the class path",
					"Add spring-boot-starter-jdbc and your database's JDBC driver, or keep the checkpoints in KurrentDB "
							+ "with " + property + "=kurrentdb");
		}
		DataSource dataSource = this.dataSources.getIfUnique();
		if (dataSource == null) {
			long count = this.dataSources.stream().count();
			throw new InvalidEsdbConfigurationException(property,
					(count == 0) ? "'jdbc' needs a DataSource bean, and there is none"
							: "'jdbc' needs one DataSource, and there are " + count + " with none @Primary",
					(count == 0) ? "Configure spring.datasource.url (with spring-boot-starter-jdbc and a driver), or "
							+ "keep the checkpoints in KurrentDB with " + property + "=kurrentdb"
							: "Mark the read model's DataSource @Primary, or declare a JdbcCheckpointStore bean on it "
									+ "and name it in @EventSubscription(checkpointStore)");
		}
		return JdbcCheckpointStoreFactory.create(dataSource, this.properties.getCheckpoint().getJdbc().getTableName());
	}

}
