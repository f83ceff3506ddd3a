package io.github.esdb.fault;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a Spring Boot application logs while its database is down: one WARN with the cause per failed reconnect
 * attempt (each replacement of a client that gave up), and none of the client's own per-attempt stack traces, which
 * filled 920 lines in 40 seconds before. An application can still turn the client's log back on.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutageLoggingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void oneWarningWithTheCausePerFailedReconnectAttemptAndNoStackTraces(CapturedOutput output) {
		String during = outage(output);
		assertThat(during).doesNotContain("\tat ")
			.doesNotContain("Caused by:")
			.doesNotContain("An exception happened when fetching server supported features");
		List<String> replacements = lines(during, "KurrentDBClientProvider");
		assertThat(replacements).hasSizeGreaterThanOrEqualTo(2).allSatisfy((line) -> assertThat(line).contains("WARN")
			.contains("last failure: UNAVAILABLE"));
	}

	@Test
	void theClientsOwnLogCanBeTurnedBackOn(CapturedOutput output) {
		String during = outage(output, "logging.level.io.kurrent.dbclient.ConnectionService=warn");
		assertThat(during).contains("An exception happened when fetching server supported features");
	}

	private String outage(CapturedOutput output, String... properties) {
		EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("esdb.connection-string=" + server.connectionString(), "esdb.max-discover-attempts=2",
					"esdb.discovery-interval=100ms", "esdb.subscriptions.resubscribe.initial-interval=100ms",
					"esdb.subscriptions.resubscribe.max-interval=500ms", "esdb.subscriptions.shutdown-timeout=2s",
					"esdb.shutdown-timeout=2s", "spring.main.banner-mode=off")
			.properties(properties)
			.run()) {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			KurrentDBClientProvider provider = context.getBean(KurrentDBClientProvider.class);
			await().atMost(WAIT).until(() -> registry.snapshot("ticks").get().state() == SubscriptionState.LIVE);
			int mark = output.toString().length();
			long replacements = provider.replacements();
			server.stop();
			// Several reconnect attempts fail: the subscription keeps asking for a client while the server is away.
			await().atMost(WAIT).until(() -> provider.replacements() >= replacements + 3);
			String during = output.toString().substring(mark);
			server.start();
			await().atMost(WAIT).until(() -> registry.snapshot("ticks").get().state() == SubscriptionState.LIVE);
			return during;
		}
		finally {
			server.close();
		}
	}

	private static List<String> lines(String text, String logger) {
		return Arrays.stream(text.split("\\R")).filter((line) -> line.contains(logger)).toList();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class,
			SubscriptionAutoConfiguration.class })
	static class Application {

		@Bean
		Object ticks() {
			return new Object() {
				@EventSubscription(id = "ticks", stream = "ticks")
				void on(byte[] data) {
				}
			};
		}

	}

}
