package io.github.esdb.dockercompose;

import java.util.Map;

import io.github.esdb.autoconfigure.EsdbConnectionDetails;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;

/**
 * {@link EsdbConnectionDetails} for a KurrentDB or EventStoreDB service started by Spring Boot's Docker Compose
 * support. A node run with {@code KURRENTDB_INSECURE=true} (or {@code EVENTSTORE_INSECURE=true}) is reached without
 * TLS; otherwise TLS is used, as admin with the password from {@code KURRENTDB_DEFAULT_ADMIN_PASSWORD} (or
 * {@code EVENTSTORE_DEFAULT_ADMIN_PASSWORD}) when the service sets one.
 */
class EsdbDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<EsdbConnectionDetails> {

	private static final String[] IMAGES = { "kurrentplatform/kurrentdb", "kurrent-latest/kurrentdb",
			"kurrent-lts/kurrentdb", "eventstore/eventstore" };

	static final int PORT = 2113;

	EsdbDockerComposeConnectionDetailsFactory() {
		super(IMAGES, "io.github.esdb.autoconfigure.EsdbConnectionDetails");
	}

	@Override
	protected EsdbConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new EsdbDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * The connection to a running compose service.
	 */
	static final class EsdbDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements EsdbConnectionDetails {

		private final String connectionString;

		private final String password;

		EsdbDockerComposeConnectionDetails(RunningService service) {
			super(service);
			Map<String, String> env = service.env();
			boolean insecure = "true".equalsIgnoreCase(setting(env, "INSECURE"));
			this.connectionString = "kurrentdb://" + service.host() + ":" + service.ports().get(PORT) + "?tls="
					+ !insecure;
			this.password = insecure ? null : setting(env, "DEFAULT_ADMIN_PASSWORD");
		}

		private static String setting(Map<String, String> env, String name) {
			String value = env.get("KURRENTDB_" + name);
			return (value != null) ? value : env.get("EVENTSTORE_" + name);
		}

		@Override
		public String getConnectionString() {
			return this.connectionString;
		}

		@Override
		public String getUsername() {
			return (this.password != null) ? "admin" : null;
		}

		@Override
		public String getPassword() {
			return this.password;
		}

	}

}
