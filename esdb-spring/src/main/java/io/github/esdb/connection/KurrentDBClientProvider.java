package io.github.esdb.connection;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.ClientInterceptor;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * The one place that holds the application's {@link KurrentDBClient}, together with the persistent subscriptions and
 * projection management clients that share its connection.
 * <p>
 * The official client shuts itself down for good after {@code maxDiscoverAttempts} failed discoveries (a database
 * down for a second or two is enough with the defaults), after which every call on it fails with
 * {@code ConnectionShutdownException}. A provider created from {@link KurrentDBClientSettings} notices that on the
 * next call and replaces the three clients with new ones built from the same settings, so that components which ask
 * the provider on every use, instead of keeping a client, carry on once the database is back. A client the
 * application {@linkplain #of(KurrentDBClient) supplied} is never replaced.
 * <p>
 * Thread-safe. Asking for a client that is alive costs a volatile read; only a replacement takes a lock.
 */
public class KurrentDBClientProvider {

	private static final Logger logger = LoggerFactory.getLogger(KurrentDBClientProvider.class);

	// Null for a supplied client: there is nothing to build a replacement from.
	private final @Nullable KurrentDBClientSettings settings;

	// What the connection's own calls saw, when the settings carry the interceptor.
	private final @Nullable ConnectionDiagnostics diagnostics;

	// Why calls last failed to reach the database, for the replacement warning; null for a supplied client.
	private final @Nullable ConnectionFailures failures;

	// The three clients are swapped as one, so a caller never pairs a persistent client with a dead connection.
	private volatile Clients current;

	private volatile long replacements;

	// Guarded by this; once set, a shut-down client is what the application asked for, not an outage to recover from.
	private boolean shutdown;

	/**
	 * Create a provider that owns its client: it creates the client from the settings now (the client connects
	 * lazily, on its first call) and creates a replacement from the same settings whenever the current client has
	 * shut itself down.
	 * @param settings the settings to create the client, and any replacement, from
	 */
	public KurrentDBClientProvider(KurrentDBClientSettings settings) {
		Assert.notNull(settings, "settings must not be null");
		this.settings = settings;
		this.diagnostics = ConnectionDiagnostics.in(settings).orElse(null);
		this.failures = failuresOf(settings);
		this.current = Clients.of(KurrentDBClient.create(settings));
		CommonPoolAdvice.logForThisJvm();
	}

	private KurrentDBClientProvider(KurrentDBClient client) {
		this.settings = null;
		this.diagnostics = null;
		this.failures = null;
		this.current = Clients.of(client);
	}

	/** The failure recorder among the settings' interceptors, added once: every client built from them uses it. */
	private static ConnectionFailures failuresOf(KurrentDBClientSettings settings) {
		synchronized (settings) {
			for (ClientInterceptor interceptor : settings.getInterceptors()) {
				if (interceptor instanceof ConnectionFailures existing) {
					return existing;
				}
			}
			ConnectionFailures failures = new ConnectionFailures();
			settings.getInterceptors().add(failures);
			return failures;
		}
	}

	/**
	 * Create a provider for a client the application created itself, for example its own {@code KurrentDBClient}
	 * bean. That client is used as it is and never replaced: the provider does not know the settings it was built
	 * from, so once it has shut itself down every call fails as the client fails. Its owner also stays in charge of
	 * closing it.
	 * @param client the application's client
	 * @return a provider that always hands out that client
	 */
	public static KurrentDBClientProvider of(KurrentDBClient client) {
		Assert.notNull(client, "client must not be null");
		return new KurrentDBClientProvider(client);
	}

	/**
	 * The client to make a call with now. Ask again for every call rather than keeping the result: after an outage a
	 * later call may return a replacement.
	 * @return the current client, replaced first if it had shut itself down and this provider owns its client
	 */
	public KurrentDBClient client() {
		return current().client();
	}

	/**
	 * The persistent subscriptions client sharing {@link #client()}'s connection, replaced together with it. It must
	 * not be shut down on its own: that would close the shared connection.
	 * @return the current persistent subscriptions client
	 */
	public KurrentDBPersistentSubscriptionsClient persistentSubscriptions() {
		return current().persistentSubscriptions();
	}

	/**
	 * The projection management client sharing {@link #client()}'s connection, replaced together with it. It must not
	 * be shut down on its own: that would close the shared connection.
	 * @return the current projection management client
	 */
	public KurrentDBProjectionManagementClient projections() {
		return current().projections();
	}

	/**
	 * How many times a client that had shut itself down was replaced, for observability: a count that keeps growing
	 * means the database keeps going away for longer than the client's discovery attempts last.
	 * @return the number of replacements since this provider was created
	 */
	public long replacements() {
		return this.replacements;
	}

	/**
	 * Tell whether an error of a call made with this provider's client is a misconfiguration that retrying will not
	 * cure: credentials the server refused, or a TLS mismatch or untrusted certificate. The error itself tells the
	 * first; for the others client 1.1.0 mostly fails the call with a {@code ConnectionShutdownException} that has no
	 * cause, so a connection-level error (that one, {@code UNAVAILABLE}, a deadline or a timeout) is explained by
	 * what the connection's own calls saw, when the settings carry a {@link ConnectionDiagnostics} interceptor (the
	 * auto-configured settings do).
	 * @param error what a call failed with
	 * @return the failure with a message that names the properties to fix, empty for any other error
	 */
	public Optional<ConnectionFailure> diagnose(Throwable error) {
		Optional<ConnectionFailure> direct = ConnectionFailure.classify(error, this.settings);
		ConnectionDiagnostics diagnostics = this.diagnostics;
		if (direct.isPresent() || diagnostics == null || !ConnectionFailure.isConnectionLevel(error)) {
			return direct;
		}
		return diagnostics.lastFailure(this.settings);
	}

	/**
	 * Shut the current client down (a {@linkplain #of(KurrentDBClient) supplied} one too) and wait at most
	 * {@code timeout} for it to close its connection. From then on this provider never creates a client again: calls
	 * get the shut-down client and fail as it fails. The wait is bounded because a database that accepts connections
	 * but does not answer would otherwise hold the caller for the client's whole discovery loop. Shutting down twice
	 * does no harm.
	 * @param timeout how long to wait for the connection to close; past it the client goes on closing in the
	 * background
	 */
	public void shutdown(Duration timeout) {
		Assert.notNull(timeout, "timeout must not be null");
		KurrentDBClient client;
		synchronized (this) {
			this.shutdown = true;
			client = this.current.client();
		}
		try {
			client.shutdown().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("The KurrentDB client did not close its connection within {} (esdb.shutdown-timeout); "
					+ "it goes on closing in the background", timeout);
		}
		catch (ExecutionException ex) {
			logger.warn("The KurrentDB client failed to shut down cleanly", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Interrupted while waiting for the KurrentDB client to close its connection; "
					+ "it goes on closing in the background");
		}
	}

	private Clients current() {
		Clients clients = this.current;
		if (this.settings == null || !clients.client().isShutdown()) {
			return clients;
		}
		return replace();
	}

	private synchronized Clients replace() {
		Clients clients = this.current;
		KurrentDBClientSettings settings = this.settings;
		// Another caller may have replaced it while this one waited for the lock.
		if (settings == null || this.shutdown || !clients.client().isShutdown()) {
			return clients;
		}
		long replacement = this.replacements + 1;
		// Neither the connection string nor the credentials: the settings hold the password.
		String cause = (this.failures != null) ? this.failures.last() : null;
		logger.warn("The KurrentDB client has shut itself down (it gives up after esdb.max-discover-attempts failed "
				+ "discoveries{}); creating a new client from the same settings (replacement {})",
				(cause != null) ? "; last failure: " + cause : "", replacement);
		clients = Clients.of(KurrentDBClient.create(settings));
		this.current = clients;
		this.replacements = replacement;
		return clients;
	}

	/**
	 * One connection and the clients on it.
	 */
	private record Clients(KurrentDBClient client, KurrentDBPersistentSubscriptionsClient persistentSubscriptions,
			KurrentDBProjectionManagementClient projections) {

		static Clients of(KurrentDBClient client) {
			return new Clients(client, KurrentDBPersistentSubscriptionsClient.from(client),
					KurrentDBProjectionManagementClient.from(client));
		}

	}

}
