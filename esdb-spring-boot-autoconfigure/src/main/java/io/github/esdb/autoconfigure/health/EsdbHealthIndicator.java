package io.github.esdb.autoconfigure.health;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.github.esdb.connection.ConnectionFailure;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ServerVersion;
import io.kurrent.dbclient.StreamNotFoundException;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the KurrentDB connection, checked with a real round trip: a backwards read of at most one event of the
 * stream {@value #PROBE_STREAM}, which need not exist, within the timeout. UP when the server answers (with the events,
 * "stream not found", or "access denied", which also proves that it authenticated the client), with the server
 * version and the endpoint; DOWN otherwise, with the reason, which names the properties to fix for wrong credentials
 * and TLS mismatches. Never shows credentials.
 * <p>
 * The client's {@code getServerVersion()} is not enough: client 1.1.0 answers it from the connection's cache, so it
 * stays UP with a wrong password and while the server is unreachable.
 */
public class EsdbHealthIndicator extends AbstractHealthIndicator {

	/** The stream the check reads; it need not exist. */
	public static final String PROBE_STREAM = "esdb-health-check";

	// Asked on every check, so that a client that shut itself down is replaced and health comes back UP with the
	// database.
	private final KurrentDBClientProvider clients;

	private final String endpoint;

	private final Duration timeout;

	private final boolean embedded;

	/**
	 * Create the indicator.
	 * @param clients supplies the client to make the check with, on each check, and classifies its errors
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
		long started = System.nanoTime();
		long timeoutMillis = Math.max(1, this.timeout.toMillis());
		try {
			ReadStreamOptions options = ReadStreamOptions.get()
				.backwards()
				.fromEnd()
				.maxCount(1)
				.notResolveLinkTos()
				.deadline(timeoutMillis);
			client.readStream(PROBE_STREAM, options).get(timeoutMillis, TimeUnit.MILLISECONDS);
			up(builder, client, started);
		}
		catch (TimeoutException ex) {
			down(builder, ex, "No answer within " + timeoutMillis + "ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			builder.down().withDetail("error", "Interrupted");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof StreamNotFoundException || isAccessDenied(cause)) {
				// The server answered, so it is reachable and accepted the credentials.
				up(builder, client, started);
				return;
			}
			down(builder, cause, cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : ""));
		}
	}

	private void down(Health.Builder builder, Throwable error, String otherwise) {
		Optional<ConnectionFailure> failure = this.clients.diagnose(error);
		builder.down().withDetail("error", failure.map(ConnectionFailure::message).orElse(otherwise));
	}

	private void up(Health.Builder builder, KurrentDBClient client, long started) {
		builder.up().withDetail("version", version(client, started));
	}

	/** The version the client learnt when it connected: no round trip, so it waits only for what is left. */
	private String version(KurrentDBClient client, long started) {
		long left = this.timeout.toMillis() - (System.nanoTime() - started) / 1_000_000;
		try {
			return client.getServerVersion()
				.get(Math.max(1, left), TimeUnit.MILLISECONDS)
				.map(EsdbHealthIndicator::format)
				.orElse("unknown");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			return "unknown";
		}
	}

	private static boolean isAccessDenied(Throwable error) {
		for (Throwable current = error; current != null; current = (current.getCause() != current)
				? current.getCause() : null) {
			if (current instanceof StatusRuntimeException status
					&& status.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
				return true;
			}
		}
		return false;
	}

	private static String format(ServerVersion version) {
		return version.getMajor() + "." + version.getMinor() + "." + version.getPatch();
	}

}
