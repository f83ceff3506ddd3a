package io.github.esdb.autoconfigure.health;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.ServerVersion;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the KurrentDB connection: UP with the server version and the endpoint when the server answers within the
 * timeout, DOWN with the reason otherwise. Never shows credentials.
 */
public class EsdbHealthIndicator extends AbstractHealthIndicator {

	// Asked on every check, so that a client that shut itself down is replaced and health comes back UP with the
	// database.
	private final KurrentDBClientProvider clients;

	private final String endpoint;

	private final Duration timeout;

	private final boolean embedded;

	/**
	 * Create the indicator.
	 * @param clients supplies the client to ask the server's version with, on each check
	 * @param settings the client's settings, for the endpoint shown in the details (hosts only)
	 * @param timeout how long a check waits for the server before reporting DOWN
	 */
	public EsdbHealthIndicator(KurrentDBClientProvider clients, KurrentDBClientSettings settings, Duration timeout) {
		this(clients, settings, timeout, false);
	}

	/**
	 * Create the indicator.
	 * @param clients supplies the client to ask the server's version with, on each check
	 * @param settings the client's settings, for the endpoint shown in the details (hosts only)
	 * @param timeout how long a check waits for the server before reporting DOWN
	 * @param embedded whether the client talks to the embedded in-memory server, shown as {@code embedded: true}
	 */
	public EsdbHealthIndicator(KurrentDBClientProvider clients, KurrentDBClientSettings settings, Duration timeout,
			boolean embedded) {
		super("KurrentDB health check failed");
		this.clients = clients;
		this.endpoint = describeEndpoint(settings);
		this.timeout = timeout;
		this.embedded = embedded;
	}

	private static String describeEndpoint(KurrentDBClientSettings settings) {
		String hosts = Arrays.stream(settings.getHosts())
			.map((host) -> host.getHost() + ":" + host.getPort())
			.collect(Collectors.joining(","));
		return (settings.isDnsDiscover() ? "discover://" : "") + hosts + (settings.isTls() ? " (tls)" : "");
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("endpoint", this.endpoint);
		if (this.embedded) {
			builder.withDetail("embedded", true);
		}
		KurrentDBClient client = this.clients.client();
		// Only a client that cannot be replaced (the application's own, or one shut down with the context) is still
		// shut down here.
		if (client.isShutdown()) {
			builder.down().withDetail("error", "The client has shut down (it gives up after its discovery attempts)");
			return;
		}
		try {
			Optional<ServerVersion> version = client.getServerVersion()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			builder.up().withDetail("version", version.map(EsdbHealthIndicator::format).orElse("unknown"));
		}
		catch (TimeoutException ex) {
			builder.down().withDetail("error", "No answer within " + this.timeout.toMillis() + "ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			builder.down().withDetail("error", "Interrupted");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			builder.down().withDetail("error", cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : ""));
		}
	}

	private static String format(ServerVersion version) {
		return version.getMajor() + "." + version.getMinor() + "." + version.getPatch();
	}

}
