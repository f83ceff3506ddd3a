package io.github.esdb.autoconfigure.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.EsdbTemplate;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code esdb.embedded.data-dir}: the application's events and the catch-up subscription's checkpoint, kept in
 * KurrentDB by the default checkpoint store, survive a restart of the application, so the subscription resumes after
 * its checkpoint instead of replaying from the start.
 */
class DurableEmbeddedServerIntegrationTests {

	/** One stream: each test has a data directory of its own. */
	private static final String STREAM = "ledger";

	@TempDir
	Path dataDir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EmbeddedEsdbAutoConfiguration.class, EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
					EsdbTemplateAutoConfiguration.class))
			.withPropertyValues("esdb.embedded.data-dir=" + this.dataDir, "esdb.subscriptions.checkpoint.every-events=1")
			.withUserConfiguration(LedgerConfiguration.class);
	}

	@Test
	void aCatchUpSubscriptionResumesFromItsKurrentDbCheckpointAfterTheApplicationRestarts() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(EmbeddedEsdbServer.class).dataDir()).isEqualTo(this.dataDir);
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			template.append(STREAM, new Posted(1));
			template.append(STREAM, new Posted(2));
			template.append(STREAM, new Posted(3));
			Ledger ledger = context.getBean(Ledger.class);
			await().atMost(Duration.ofSeconds(60)).until(() -> ledger.seen.size() == 3);
			assertThat(ledger.seen).containsExactly("1@0", "2@1", "3@2");
		});
		// A new application on the same directory: the old events are there, the subscription goes on after them.
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			template.append(STREAM, new Posted(4));
			Ledger ledger = context.getBean(Ledger.class);
			await().atMost(Duration.ofSeconds(60)).until(() -> ledger.seen.size() >= 1);
			template.append(STREAM, new Posted(5));
			await().atMost(Duration.ofSeconds(60)).until(() -> ledger.seen.size() >= 2);
			assertThat(ledger.seen).containsExactly("4@3", "5@4");
		});
	}

	@Test
	void aSecondApplicationOnADataDirectoryInUseFailsToStartNamingTheProperty() {
		runner().run((first) -> {
			assertThat(first).hasNotFailed();
			runner().run((second) -> {
				assertThat(second).hasFailed();
				assertThat(second.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidEsdbConfigurationException.class)
					.hasMessageContaining("esdb.embedded.data-dir")
					.hasMessageContaining("is in use by another embedded KurrentDB server");
			});
		});
	}

	@Test
	void anUnknownFsyncPolicyFailsToStartNamingTheProperty() {
		runner().withPropertyValues("esdb.embedded.fsync=sometimes").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEsdbConfigurationException.class)
				.hasMessageContaining("esdb.embedded.fsync")
				.hasMessageContaining("'sometimes' is not an fsync policy");
		});
	}

	@EventType("Posted")
	record Posted(long amount) {
	}

	@EventSubscription(id = "ledger", stream = STREAM)
	static class Ledger {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@EventHandler
		void on(Posted event, EventContext context) {
			this.seen.add(event.amount() + "@" + context.revision());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfiguration {

		@Bean
		Ledger ledger() {
			return new Ledger();
		}

	}

}
