package io.github.esdb.autoconfigure.health;

import java.io.IOException;
import java.net.ServerSocket;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class EsdbHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class, EsdbHealthContributorAutoConfiguration.class));

	@Test
	void startsWhileTheDatabaseIsDownAndReportsDownWithTheReason() throws IOException {
		int port = freePort();
		this.runner
			.withPropertyValues("esdb.connection-string=kurrentdb://admin:hunter2@127.0.0.1:" + port + "?tls=false",
					"esdb.health.timeout=5s", "esdb.max-discover-attempts=1")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EsdbHealthIndicator.class);
				Health health = context.getBean(EsdbHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("endpoint", "127.0.0.1:" + port)
					.containsKey("error")
					.doesNotContainKey("embedded");
				assertThat(health.toString()).doesNotContain("hunter2").doesNotContain("admin");
			});
	}

	@Test
	void timeoutGivesDownWithinTheConfiguredTime() throws IOException {
		// A socket that accepts connections but never speaks HTTP/2: the client waits, the health check must not.
		try (ServerSocket silent = new ServerSocket(0)) {
			long started = System.nanoTime();
			this.runner
				.withPropertyValues("esdb.connection-string=kurrentdb://127.0.0.1:" + silent.getLocalPort() + "?tls=false",
						"esdb.health.timeout=300ms", "esdb.shutdown-timeout=1s")
				.run((context) -> {
					long start = System.nanoTime();
					Health health = context.getBean(EsdbHealthIndicator.class).health(true);
					long millis = (System.nanoTime() - start) / 1_000_000;
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("error")).asString().contains("300ms");
					assertThat(millis).isLessThan(3_000);
				});
			// Closing the context does not wait for the client's whole discovery loop (about 25s here).
			assertThat(System.nanoTime() - started).isLessThan(8_000_000_000L);
		}
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("management.health.esdb.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EsdbHealthIndicator.class));
	}

	@Test
	void backsOffFromAUserDefinedIndicator() {
		this.runner.withBean("esdbHealthIndicator", org.springframework.boot.health.contributor.HealthIndicator.class,
				() -> () -> Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean(EsdbHealthIndicator.class));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
