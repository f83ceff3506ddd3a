package io.github.esdb.observability;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.test.SelfSignedCertificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscription that keeps reconnecting because the credentials are wrong or TLS does not match is DOWN with a
 * message that names what to fix (the default {@code reconnecting-is-down=false} notwithstanding), in a real context
 * against the embedded server over TCP.
 */
class SubscriptionConnectionFailureHealthIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String PASSWORD = "not-the-Passw0rd";

	@Test
	void wrongPasswordMakesAReconnectingSubscriptionDownWithTheCredentialsHint() {
		try (ObservabilityTestSupport esdb = new ObservabilityTestSupport();
				EmbeddedEsdbServer secured = EmbeddedEsdbServer.builder().user("admin", "changeit").build().start()) {
			esdb.runner()
				.withUserConfiguration(SubscriptionHealthIntegrationTests.LedgerConfiguration.class)
				.withPropertyValues("esdb.connection-string=" + secured.connectionString(), "esdb.username=admin",
						"esdb.password=" + PASSWORD, "test.stream=ledger-secured")
				.run((context) -> {
					SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
					await().atMost(WAIT).untilAsserted(() -> {
						assertThat(registry.snapshot("ledger").get().state()).isEqualTo(SubscriptionState.RECONNECTING);
						Health health = SubscriptionHealthIntegrationTests.health(context, "ledger");
						assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.DOWN);
						assertThat(health.getDetails().get("error")).asString()
							.startsWith("authentication failed; check esdb.username and esdb.password "
									+ "(or the user info of esdb.connection-string)");
						assertThat(health.getDetails().get("lastError")).asString().startsWith("authentication failed");
					});
					assertThat(SubscriptionHealthIntegrationTests.health(context, "ledger").toString())
						.doesNotContain(PASSWORD);
				});
		}
	}

	@Test
	void accessDeniedMakesAReconnectingSubscriptionDownWithTheRightsHint() {
		// A system stream: only $admins may read it on a secure node, and app is not one.
		assertDownForApp("test.stream=$ledger-denied", "$acl", "$admins");
	}

	@Test
	void aUserOutsideAdminsCannotKeepCheckpointsInTheDefaultSystemStreamsAndIsToldSo() {
		// The stream itself is open to every user; its checkpoint stream $esdb-checkpoint-ledger is a system
		// stream, for $admins only, so loading the checkpoint is denied as on a real node.
		assertDownForApp("test.stream=ledger-open", "$esdb-checkpoint-<id>");
	}

	/** The subscription "ledger" of the user app on a secure node: RECONNECTING, DOWN with the access-denied hint. */
	private static void assertDownForApp(String stream, String... hints) {
		try (ObservabilityTestSupport esdb = new ObservabilityTestSupport();
				EmbeddedEsdbServer secured = EmbeddedEsdbServer.builder().user("app", PASSWORD).build().start()) {
			esdb.runner()
				.withUserConfiguration(SubscriptionHealthIntegrationTests.LedgerConfiguration.class)
				.withPropertyValues("esdb.connection-string=" + secured.connectionString(), "esdb.username=app",
						"esdb.password=" + PASSWORD, stream, "esdb.subscriptions.checkpoint.store=kurrentdb")
				.run((context) -> {
					SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
					await().atMost(WAIT).untilAsserted(() -> {
						assertThat(registry.snapshot("ledger").get().state()).isEqualTo(SubscriptionState.RECONNECTING);
						Health health = SubscriptionHealthIntegrationTests.health(context, "ledger");
						assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.DOWN);
						assertThat(health.getDetails().get("error")).asString()
							.startsWith("access denied: the server refuses this operation to the user of esdb.username")
							.contains(hints);
					});
					assertThat(SubscriptionHealthIntegrationTests.health(context, "ledger").toString())
						.doesNotContain(PASSWORD);
				});
		}
	}

	@Test
	void tlsMismatchMakesAReconnectingSubscriptionDownWithTheTlsHint(@TempDir Path dir) {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
		try (ObservabilityTestSupport esdb = new ObservabilityTestSupport()) {
			// The test support's server speaks plain text; this client insists on TLS.
			esdb.runner()
				.withUserConfiguration(SubscriptionHealthIntegrationTests.LedgerConfiguration.class)
				.withPropertyValues(
						"esdb.connection-string=kurrentdb://127.0.0.1:" + esdb.server.port() + "?tls=true&tlsCaFile="
								+ certificate.certificate(),
						"esdb.max-discover-attempts=1",
						"esdb.shutdown-timeout=1s", "test.stream=ledger-tls")
				.run((context) -> await().atMost(WAIT).untilAsserted(() -> {
					Health health = SubscriptionHealthIntegrationTests.health(context, "ledger");
					assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsEntry("state", SubscriptionState.RECONNECTING);
					assertThat(health.getDetails().get("error")).asString()
						.contains("TLS", "esdb.tls=false", "tls=false");
				}));
		}
	}

}
