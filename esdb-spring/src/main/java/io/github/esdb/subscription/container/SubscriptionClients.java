package io.github.esdb.subscription.container;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Hands the subscriptions a working client. The 1.1.0 client shuts itself down for good after
 * {@code maxDiscoverAttempts} failed discoveries (a server down for a few seconds is enough), after which every call
 * fails with {@code ConnectionShutdownException}. Subscriptions must outlive such outages, so when the application's
 * client has shut down this holder creates a replacement from the same settings, used by the subscriptions and the
 * default checkpoint store only, and shut down with the context. The application's own client bean stays as it is
 * (its health indicator reports it).
 */
public class SubscriptionClients implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionClients.class);

	private final KurrentDBClient primary;

	private final KurrentDBPersistentSubscriptionsClient primaryPersistent;

	private final KurrentDBClientSettings settings;

	private KurrentDBClient replacement;

	private KurrentDBPersistentSubscriptionsClient replacementPersistent;

	private boolean closed;

	/**
	 * Create the holder.
	 * @param primary the application's client
	 * @param primaryPersistent the application's persistent subscriptions client
	 * @param settings the settings to create a replacement from, {@code null} to never replace the client
	 */
	public SubscriptionClients(KurrentDBClient primary, KurrentDBPersistentSubscriptionsClient primaryPersistent,
			KurrentDBClientSettings settings) {
		this.primary = primary;
		this.primaryPersistent = primaryPersistent;
		this.settings = settings;
	}

	/**
	 * A client that has not shut down, if one can be had.
	 * @return the application's client, or a replacement once it has shut down
	 */
	public synchronized KurrentDBClient client() {
		if (!this.primary.isShutdown() || this.settings == null || this.closed) {
			return this.primary;
		}
		if (this.replacement == null || this.replacement.isShutdown()) {
			logger.warn("The KurrentDB client has shut itself down (it gives up after esdb.max-discover-attempts failed "
					+ "discoveries); creating a new client for the subscriptions");
			this.replacement = KurrentDBClient.create(this.settings);
			this.replacementPersistent = KurrentDBPersistentSubscriptionsClient.from(this.replacement);
		}
		return this.replacement;
	}

	/**
	 * The persistent subscriptions client sharing {@link #client()}'s connection.
	 * @return the client
	 */
	public synchronized KurrentDBPersistentSubscriptionsClient persistentClient() {
		KurrentDBClient current = client();
		return (current == this.primary) ? this.primaryPersistent : this.replacementPersistent;
	}

	@Override
	public synchronized void destroy() {
		this.closed = true;
		if (this.replacement != null) {
			this.replacement.shutdown();
		}
	}

}
