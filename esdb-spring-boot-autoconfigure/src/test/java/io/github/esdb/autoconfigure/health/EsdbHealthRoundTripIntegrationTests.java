package io.github.esdb.autoconfigure.health;

import java.nio.file.Path;
import java.time.Duration;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.test.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code esdb} health makes a real round trip: wrong credentials, a TLS mismatch either way, an untrusted
 * certificate and a stopped server are DOWN with a message that names what to fix, and a restarted server is UP again.
 * The official client over TCP to the embedded server (with users, or TLS), in a real context.
 */
class EsdbHealthRoundTripIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String PASSWORD = "not-the-Passw0rd";

	private static final String CREDENTIALS_HINT = "authentication failed; check esdb.username and esdb.password "
			+ "(or the user info of esdb.connection-string)";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class, EsdbHealthContributorAutoConfiguration.class))
		// A generous timeout: the first call of a cold client on a busy machine may take seconds, and these checks are
		// about what the answer says.
		.withPropertyValues("esdb.max-discover-attempts=1", "esdb.shutdown-timeout=1s", "esdb.health.timeout=10s");

	private static Health health(org.springframework.context.ApplicationContext context) {
		return context.getBean(EsdbHealthIndicator.class).health(true);
	}

	@Test
	void wrongPasswordIsDownWithTheCredentialsHintAndNeverThePassword() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().user("admin", "changeit").build().start()) {
			this.runner
				.withPropertyValues("esdb.connection-string=" + server.connectionString(), "esdb.username=admin",
						"esdb.password=" + PASSWORD)
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("error")).asString().startsWith(CREDENTIALS_HINT);
					assertThat(health.toString()).doesNotContain(PASSWORD);
				});
			// The same password in the connection string's user info.
			this.runner.withPropertyValues("esdb.connection-string=" + server.connectionString("admin", PASSWORD))
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("error")).asString().startsWith(CREDENTIALS_HINT);
					assertThat(health.toString()).doesNotContain(PASSWORD);
				});
		}
	}

	@Test
	void noCredentialsForAServerThatNeedsThemIsDownNamingTheProperties() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().user("admin", "changeit").build().start()) {
			this.runner.withPropertyValues("esdb.connection-string=" + server.connectionString()).run((context) -> {
				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().get("error")).asString()
					.startsWith("authentication failed")
					.contains("esdb.username", "esdb.password", "esdb.connection-string");
			});
		}
	}

	@Test
	void rightPasswordIsUpAfterARoundTripToAStreamThatDoesNotExist() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().user("admin", "changeit").build().start()) {
			this.runner
				.withPropertyValues("esdb.connection-string=" + server.connectionString(), "esdb.username=admin",
						"esdb.password=changeit")
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("version", "25.1.0")
						.containsEntry("endpoint", "127.0.0.1:" + server.port());
					assertThat(health.toString()).doesNotContain("changeit");
				});
		}
	}

	@Test
	void tlsClientAgainstAPlainTextServerIsDownWithTheTlsHint(@TempDir Path dir) {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			this.runner
				.withPropertyValues("esdb.connection-string=kurrentdb://127.0.0.1:" + server.port()
						+ "?tls=true&tlsCaFile=" + certificate.certificate())
				.run((context) -> await().atMost(WAIT).untilAsserted(() -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("error")).asString()
						.contains("TLS", "esdb.tls=false", "tls=false")
						.doesNotContain("The connection is closed");
				}));
		}
	}

	@Test
	void plainTextClientAgainstATlsServerIsDownWithTheTlsHint(@TempDir Path dir) {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder()
			.tls(certificate.certificate(), certificate.privateKey())
			.build()
			.start()) {
			this.runner.withPropertyValues("esdb.connection-string=kurrentdb://127.0.0.1:" + server.port() + "?tls=false")
				.run((context) -> await().atMost(WAIT).untilAsserted(() -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("error")).asString()
						.contains("TLS", "esdb.tls=true", "tls=true")
						.doesNotContain("The connection is closed");
				}));
		}
	}

	@Test
	void untrustedServerCertificateIsDownNamingTheCaFileAndVerification(@TempDir Path dir) {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder()
			.tls(certificate.certificate(), certificate.privateKey())
			.build()
			.start()) {
			this.runner.withPropertyValues("esdb.connection-string=kurrentdb://127.0.0.1:" + server.port() + "?tls=true")
				.run((context) -> await().atMost(WAIT).untilAsserted(() -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("error")).asString()
						.contains("TLS", "certificate", "esdb.tls-ca-file", "tlsCaFile", "tlsVerifyCert")
						.doesNotContain("The connection is closed");
				}));
			// With the CA file the same server is UP: the hint was right.
			this.runner
				.withPropertyValues("esdb.hosts=127.0.0.1:" + server.port(), "esdb.tls=true",
						"esdb.tls-ca-file=" + certificate.certificate())
				.run((context) -> assertThat(health(context).getStatus()).isEqualTo(Status.UP));
		}
	}

	@Test
	void stoppedServerIsDownWithinTheTimeoutAndUpAgainAfterARestart() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			this.runner
				.withPropertyValues("esdb.connection-string=" + server.connectionString(), "esdb.health.timeout=1s")
				.run((context) -> {
					await().atMost(WAIT).until(() -> health(context).getStatus() == Status.UP);
					server.stop();
					try {
						// Each check answers within the timeout (plus scheduling slack on a busy machine), and the
						// first one after the stop already says DOWN.
						long start = System.nanoTime();
						Health down = health(context);
						long millis = (System.nanoTime() - start) / 1_000_000;
						assertThat(down.getStatus()).as(down.toString()).isEqualTo(Status.DOWN);
						assertThat(down.getDetails()).containsKey("error");
						assertThat(millis).isLessThan(1_000 + 1_500);
					}
					finally {
						server.start();
					}
					await().atMost(WAIT).until(() -> health(context).getStatus() == Status.UP);
				});
		}
	}

}
