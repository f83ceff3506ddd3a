package io.github.esdb.autoconfigure.embedded;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.autoconfigure.health.EsdbHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthIndicator;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.test.SelfSignedCertificate;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class EmbeddedEsdbAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(EmbeddedEsdbAutoConfiguration.class, EsdbAutoConfiguration.class, EsdbHealthContributorAutoConfiguration.class));

	@Test
	void startsWhenNoConnectionIsConfiguredAndTheClientUsesIt(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedEsdbServer.class)
				.hasSingleBean(EmbeddedEsdbConnectionDetails.class);
			EmbeddedEsdbServer server = context.getBean(EmbeddedEsdbServer.class);
			assertThat(context.getBean(EsdbConnectionDetails.class).getConnectionString())
				.isEqualTo("kurrentdb://127.0.0.1:" + server.port() + "?tls=false");
			assertRoundTrip(context.getBean(KurrentDBClient.class));
			Health health = context.getBean(EsdbHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("version")).asString().startsWith("25.");
			assertThat(health.getDetails()).containsEntry("endpoint", "127.0.0.1:" + server.port())
				.containsEntry("embedded", true);
		});
		// One WARN that says what it is, how to use a real node instead and how to turn it off.
		assertThat(output).contains("WARN")
			.contains("data lives in memory only")
			.contains("set esdb.connection-string (for example kurrentdb://localhost:2113?tls=false)")
			.contains("esdb.embedded.enabled=false")
			.contains("off the production classpath");
	}

	@Test
	void stopsWithTheContext() {
		EmbeddedEsdbServer[] server = new EmbeddedEsdbServer[1];
		this.runner.run((context) -> server[0] = context.getBean(EmbeddedEsdbServer.class));
		assertThat(server[0].isRunning()).isFalse();
	}

	@Test
	void doesNotStartWhenAConnectionIsConfigured() {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://db:2113?tls=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedEsdbServer.class));
		this.runner.withPropertyValues("esdb.hosts=db:2113")
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedEsdbServer.class));
	}

	@Test
	void doesNotStartWhenDisabled() {
		this.runner.withPropertyValues("esdb.embedded.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedEsdbServer.class));
	}

	@Test
	void doesNotStartWhenAnotherSourceSuppliesTheConnection() {
		this.runner.withBean(EsdbConnectionDetails.class, () -> () -> "kurrentdb://elsewhere:2113?tls=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedEsdbServer.class));
	}

	@Test
	void busyPortFailsStartUpNamingTheProperty() throws Exception {
		try (ServerSocket busy = new ServerSocket(0)) {
			this.runner.withPropertyValues("esdb.embedded.port=" + busy.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidEsdbConfigurationException.class)
					.satisfies((ex) -> {
						InvalidEsdbConfigurationException invalid = (InvalidEsdbConfigurationException) ex;
						assertThat(invalid.getProperty()).isEqualTo("esdb.embedded.port");
						assertThat(invalid.getProblem()).contains(String.valueOf(busy.getLocalPort()));
						assertThat(invalid.getAction()).contains("esdb.embedded.port=0");
					});
			});
		}
	}

	@Test
	void withUsersTheClientAuthenticatesAsTheFirstUser() {
		this.runner.withPropertyValues("esdb.embedded.users=admin:changeit,ops:s3cret").run((context) -> {
			assertRoundTrip(context.getBean(KurrentDBClient.class));
			assertThat(context.getBean(EsdbConnectionDetails.class).getConnectionString()).doesNotContain("changeit");
			assertThat(context.getBean(EsdbConnectionDetails.class).toString()).contains("username=admin")
				.contains("password=******")
				.doesNotContain("changeit");
			EmbeddedEsdbServer server = context.getBean(EmbeddedEsdbServer.class);
			// Without credentials the same server refuses the call: authentication is really on.
			KurrentDBClient anonymous = KurrentDBClient
				.create(io.kurrent.dbclient.KurrentDBConnectionString.parseOrThrow(server.connectionString()));
			try {
				assertThat(anonymous.readStream("any", ReadStreamOptions.get()))
					.failsWithin(10, TimeUnit.SECONDS)
					.withThrowableOfType(ExecutionException.class)
					.withMessageContaining("UNAUTHENTICATED")
					.withMessageNotContaining("changeit");
			}
			finally {
				anonymous.shutdown();
			}
		});
	}

	@Test
	void badUserEntryIsReported() {
		this.runner.withPropertyValues("esdb.embedded.users=admin")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("esdb.embedded.users"));
	}

	@Test
	void systemProjectionsRunByDefaultAndCanBeSwitchedOff() {
		this.runner.run((context) -> {
			KurrentDBClient client = context.getBean(KurrentDBClient.class);
			String category = "embedded" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
			client.appendToStream(category + "-1", EventData.builderAsJson("Pinged", "{}".getBytes(StandardCharsets.UTF_8))
				.build()).get(10, TimeUnit.SECONDS);
			assertThat(client.readStream("$ce-" + category, ReadStreamOptions.get().resolveLinkTos())
				.get(10, TimeUnit.SECONDS)
				.getEvents()).extracting((e) -> e.getEvent().getStreamId()).containsExactly(category + "-1");
		});
		this.runner.withPropertyValues("esdb.embedded.projections=none").run((context) -> {
			KurrentDBClient client = context.getBean(KurrentDBClient.class);
			client.appendToStream("nolinks-1", EventData.builderAsJson("Pinged", "{}".getBytes(StandardCharsets.UTF_8))
				.build()).get(10, TimeUnit.SECONDS);
			assertThat(client.readStream("$ce-nolinks", ReadStreamOptions.get()))
				.failsWithin(10, TimeUnit.SECONDS)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
		});
	}

	@Test
	void badProjectionsModeFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("esdb.embedded.projections=all")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEsdbConfigurationException.class)
				.hasMessageContaining("esdb.embedded.projections"));
	}

	@Test
	void withTlsTheClientTrustsTheServerCertificate(@TempDir Path dir) {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
		this.runner
			.withPropertyValues("esdb.embedded.tls.certificate=" + certificate.certificate(),
					"esdb.embedded.tls.private-key=" + certificate.privateKey())
			.run((context) -> {
				assertThat(context.getBean(EsdbConnectionDetails.class).getConnectionString()).contains("tls=true");
				assertRoundTrip(context.getBean(KurrentDBClient.class));
			});
	}

	private static void assertRoundTrip(KurrentDBClient client) throws Exception {
		String stream = "embedded-" + UUID.randomUUID();
		client.appendToStream(stream, EventData.builderAsJson("Pinged", "{\"n\":1}".getBytes(StandardCharsets.UTF_8))
			.build()).get(10, TimeUnit.SECONDS);
		RecordedEvent event = client.readStream(stream, ReadStreamOptions.get())
			.get(10, TimeUnit.SECONDS)
			.getEvents()
			.get(0)
			.getEvent();
		assertThat(event.getEventType()).isEqualTo("Pinged");
		assertThat(new String(event.getEventData(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
	}

}
