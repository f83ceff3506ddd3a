package io.github.esdb.dockercompose;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.dockercompose.EsdbDockerComposeConnectionDetailsFactory.EsdbDockerComposeConnectionDetails;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker Compose connection details. No Docker engine runs where this project is built, so the compose service
 * is described by hand (as Spring Boot's Docker Compose support would describe it) and its mapped port points at the
 * embedded server: the client then really connects through the details.
 */
class EsdbDockerComposeConnectionDetailsFactoryTests {

	@Test
	void anInsecureNodeIsReachedWithoutTlsAndTheClientConnects() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start()) {
			RunningService service = new ComposeService("kurrentplatform/kurrentdb:25.1", "127.0.0.1", server.port(),
					Map.of("KURRENTDB_INSECURE", "true"));
			EsdbConnectionDetails details = new EsdbDockerComposeConnectionDetails(service);
			assertThat(details.getConnectionString()).isEqualTo("kurrentdb://127.0.0.1:" + server.port() + "?tls=false");
			assertThat(details.getUsername()).isNull();
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class))
				.withBean(EsdbConnectionDetails.class, () -> details)
				.run((context) -> {
					KurrentDBClient client = context.getBean(KurrentDBClient.class);
					String stream = "compose-" + UUID.randomUUID();
					client.appendToStream(stream,
							EventData.builderAsJson("Pinged", "{}".getBytes(StandardCharsets.UTF_8)).build())
						.get(10, TimeUnit.SECONDS);
					assertThat(client.readStream(stream, ReadStreamOptions.get()).get(10, TimeUnit.SECONDS).getEvents())
						.hasSize(1);
				});
		}
	}

	@Test
	void aSecureNodeUsesTlsAndTheAdminPasswordOfTheService() {
		RunningService service = new ComposeService("eventstore/eventstore:24.10", "db.local", 49153,
				Map.of("EVENTSTORE_DEFAULT_ADMIN_PASSWORD", "s3cret"));
		EsdbConnectionDetails details = new EsdbDockerComposeConnectionDetails(service);
		assertThat(details.getConnectionString()).isEqualTo("kurrentdb://db.local:49153?tls=true")
			.doesNotContain("s3cret");
		assertThat(details.getUsername()).isEqualTo("admin");
		assertThat(details.getPassword()).isEqualTo("s3cret");
	}

	@Test
	void aSecureNodeWithoutAPasswordSettingLeavesCredentialsToTheApplication() {
		RunningService service = new ComposeService("kurrentplatform/kurrentdb:25.1", "localhost", 2113, Map.of());
		EsdbConnectionDetails details = new EsdbDockerComposeConnectionDetails(service);
		assertThat(details.getConnectionString()).endsWith("?tls=true");
		assertThat(details.getUsername()).isNull();
		assertThat(details.getPassword()).isNull();
	}

	/** A compose service as Spring Boot's Docker Compose support reports it. */
	private record ComposeService(String imageName, String host, int mappedPort, Map<String, String> env)
			implements RunningService {

		@Override
		public String name() {
			return "kurrentdb";
		}

		@Override
		public ImageReference image() {
			return ImageReference.of(this.imageName);
		}

		@Override
		public ConnectionPorts ports() {
			return new ConnectionPorts() {

				@Override
				public int get(int containerPort) {
					if (containerPort != EsdbDockerComposeConnectionDetailsFactory.PORT) {
						throw new IllegalArgumentException("No port " + containerPort);
					}
					return ComposeService.this.mappedPort;
				}

				@Override
				public List<Integer> getAll() {
					return List.of(ComposeService.this.mappedPort);
				}

				@Override
				public List<Integer> getAll(String protocol) {
					return getAll();
				}

			};
		}

		@Override
		public Map<String, String> labels() {
			return Map.of();
		}

	}

}
