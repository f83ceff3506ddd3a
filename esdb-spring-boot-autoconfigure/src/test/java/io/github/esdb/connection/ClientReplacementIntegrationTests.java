package io.github.esdb.connection;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthIndicator;
import io.github.esdb.autoconfigure.observability.SubscriptionMonitorAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.EsdbTemplate;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventSubscription;
import io.kurrent.dbclient.ConnectionShutdownException;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An application whose client shut itself down (as the official client does once its discovery attempts ran out)
 * carries on: the template, the {@code esdb} health indicator, a catch-up subscription and the subscription monitor
 * all move on to the replacement client. The official client over TCP to the embedded server, in a real context.
 */
class ClientReplacementIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ApplicationContextRunner runner(EmbeddedEsdbServer server, String stream) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class,
					SubscriptionAutoConfiguration.class, SubscriptionMonitorAutoConfiguration.class,
					EsdbHealthContributorAutoConfiguration.class))
			.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("esdb.connection-string=" + server.connectionString(), "test.stream=" + stream,
					"esdb.subscriptions.resubscribe.initial-interval=100ms",
					"esdb.subscriptions.resubscribe.max-interval=1s",
					// Polled by the test only, so that a reading shows the client of that moment.
					"esdb.subscriptions.observability.lag-poll-interval=1h");
	}

	@Test
	void templateHealthSubscriptionAndMonitorCarryOnWithAReplacementClient() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start()) {
			String stream = "orders-" + UUID.randomUUID();
			runner(server, stream).run((context) -> {
				EsdbTemplate template = context.getBean(EsdbTemplate.class);
				KurrentDBClientProvider provider = context.getBean(KurrentDBClientProvider.class);
				EsdbHealthIndicator health = context.getBean(EsdbHealthIndicator.class);
				SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
				Received received = context.getBean(Received.class);
				KurrentDBClient first = context.getBean(KurrentDBClient.class);
				assertThat(provider.client()).isSameAs(first);
				template.append(stream, new Placed("a"));
				await().atMost(WAIT).until(() -> received.ids().contains("a"));
				assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

				provider.client().shutdown().get(10, TimeUnit.SECONDS);

				template.append(stream, new Placed("b"));
				Health afterwards = health.health(true);
				assertThat(afterwards.getStatus()).as(afterwards.toString()).isEqualTo(Status.UP);
				await().atMost(WAIT).until(() -> received.ids().contains("b"));
				template.append(stream, new Placed("c"));
				await().atMost(WAIT).until(() -> received.ids().contains("c"));
				assertThat(received.ids().stream().distinct().toList()).containsExactly("a", "b", "c");
				monitor.poll();
				assertThat(monitor.status("orders")).get()
					.extracting(SubscriptionStatus::head)
					.isEqualTo(Checkpoint.ofRevision(2));
				assertThat(provider.replacements()).isEqualTo(1);
				// The bean is the provider's first client: code that injected it keeps the dead one.
				assertThat(first.isShutdown()).isTrue();
				assertThat(context.getBean(KurrentDBClient.class)).isSameAs(first);
			});
		}
	}

	@Test
	void theApplicationsOwnClientIsNeverReplaced() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start()) {
			String stream = "orders-" + UUID.randomUUID();
			KurrentDBClient own = KurrentDBClient
				.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
			// Without subscriptions: stopping one with a dead client only waits out its checkpoint timeout.
			runner(server, stream).withPropertyValues("esdb.subscriptions.enabled=false")
				.withBean("ownClient", KurrentDBClient.class, () -> own)
				.run((context) -> {
					KurrentDBClientProvider provider = context.getBean(KurrentDBClientProvider.class);
					EsdbTemplate template = context.getBean(EsdbTemplate.class);
					assertThat(provider.client()).isSameAs(own);
					template.append(stream, new Placed("a"));
					own.shutdown().get(10, TimeUnit.SECONDS);
					assertThat(provider.client()).isSameAs(own);
					assertThatThrownBy(() -> template.append(stream, new Placed("b")))
						.isInstanceOf(DataAccessResourceFailureException.class)
						.hasCauseInstanceOf(ConnectionShutdownException.class);
					assertThat(context.getBean(EsdbHealthIndicator.class).health(true).getStatus())
						.isEqualTo(Status.DOWN);
					assertThat(provider.replacements()).isZero();
				});
		}
	}

	@EventType("Placed")
	record Placed(String id) {
	}

	/** What the subscription received, in order. */
	static class Received {

		private final List<String> ids = new CopyOnWriteArrayList<>();

		List<String> ids() {
			return List.copyOf(this.ids);
		}

	}

	static class PlacedHandler {

		private final Received received;

		PlacedHandler(Received received) {
			this.received = received;
		}

		@EventSubscription(id = "orders", stream = "${test.stream}")
		void on(Placed event) {
			this.received.ids.add(event.id());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		Received received() {
			return new Received();
		}

		@Bean
		PlacedHandler placedHandler(Received received) {
			return new PlacedHandler(received);
		}

	}

}
