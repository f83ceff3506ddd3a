package io.github.esdb.observability;

import java.time.Duration;
import java.util.Map;

import io.kurrent.dbclient.KurrentDBClientSettings;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpoint;
import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpoint.SubscriptionDescriptor;
import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpointAutoConfiguration;
import io.github.esdb.autoconfigure.health.SubscriptionHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.health.SubscriptionsCaughtUpHealthIndicator;
import io.github.esdb.autoconfigure.health.SubscriptionsHealthContributor;
import io.github.esdb.autoconfigure.metrics.PersistentSubscriptionStatsMetrics;
import io.github.esdb.autoconfigure.metrics.SubscriptionMetrics;
import io.github.esdb.autoconfigure.observability.EsdbObservationAutoConfiguration;
import io.github.esdb.observability.observation.ObservationEventHandlerInterceptor;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import io.github.esdb.autoconfigure.observability.SubscriptionMonitorAutoConfiguration;

/**
 * Which observability beans exist under which conditions, and the {@code esdbsubscriptions} endpoint's operations.
 */
class SubscriptionObservabilityAutoConfigurationTests {

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	@Test
	void everythingIsConfiguredWithMicrometerActuatorAndHealthPresent() {
		esdb.runner().run((context) -> {
			assertThat(context).hasSingleBean(SubscriptionMonitor.class)
				.hasSingleBean(SubscriptionsHealthContributor.class)
				.hasSingleBean(SubscriptionsCaughtUpHealthIndicator.class)
				.hasSingleBean(SubscriptionMetrics.class)
				.hasSingleBean(PersistentSubscriptionStatsMetrics.class)
				.hasSingleBean(ObservationEventHandlerInterceptor.class)
				.hasSingleBean(SubscriptionsEndpoint.class);
			assertThat(context.getBean(KurrentDBClientSettings.class).getInterceptors())
				.hasAtLeastOneElementOfType(ObservationGrpcClientInterceptor.class);
		});
	}

	@Test
	void pollIntervalsThatCannotWorkFailStartUpNamingTheProperty() {
		for (String property : new String[] { "esdb.subscriptions.observability.lag-poll-interval",
				"esdb.subscriptions.observability.stall-timeout",
				"esdb.subscriptions.observability.persistent-stats-poll-interval" }) {
			esdb.runner().withPropertyValues(property + "=0s").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(InvalidEsdbConfigurationException.class, (ex) -> {
						assertThat(ex.getProperty()).isEqualTo(property);
						assertThat(ex.getAction()).contains(property + "=");
					});
			});
		}
	}

	@Test
	void healthIndicatorsCanBeTurnedOffOneByOne() {
		esdb.runner().withPropertyValues("management.health.esdb-subscriptions.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SubscriptionsHealthContributor.class)
				.hasSingleBean(SubscriptionsCaughtUpHealthIndicator.class);
		});
		esdb.runner()
			.withPropertyValues("management.health.esdb-subscriptions-caught-up.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(SubscriptionsHealthContributor.class)
				.doesNotHaveBean(SubscriptionsCaughtUpHealthIndicator.class));
	}

	@Test
	void theEndpointNeedsToBeExposed() {
		esdb.runner()
			.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(SubscriptionsEndpoint.class));
	}

	@Test
	void nothingWithoutSubscriptionsAndNoMetricsWithoutMicrometer() {
		esdb.runner()
			.withPropertyValues("esdb.subscriptions.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SubscriptionMonitor.class)
				.doesNotHaveBean(SubscriptionsHealthContributor.class)
				.doesNotHaveBean(SubscriptionMetrics.class)
				.doesNotHaveBean(SubscriptionsEndpoint.class));
		new org.springframework.boot.test.context.runner.ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
					SubscriptionMonitorAutoConfiguration.class, SubscriptionHealthContributorAutoConfiguration.class,
					EsdbObservationAutoConfiguration.class, SubscriptionsEndpointAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.micrometer.core", "io.micrometer.observation"))
			.withPropertyValues("esdb.connection-string=" + esdb.server.connectionString())
			.run((context) -> assertThat(context).hasSingleBean(SubscriptionMonitor.class)
				.hasSingleBean(SubscriptionsHealthContributor.class)
				.doesNotHaveBean(ObservationEventHandlerInterceptor.class));
	}

	@Test
	void theEndpointListsSubscriptionsAndStartsStopsAndRestartsThemById() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", Map.of("account", "a", "amount", 1)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				SubscriptionsEndpoint endpoint = context.getBean(SubscriptionsEndpoint.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					context.getBean(SubscriptionMonitor.class).poll();
					assertThat(endpoint.subscription("ledger").lagEvents()).isZero();
				});
				assertThat(endpoint.subscriptions().subscriptions()).extracting(SubscriptionDescriptor::id)
					.containsExactly("ledger", "dormant");
				SubscriptionDescriptor ledger = endpoint.subscription("ledger");
				assertThat(ledger.kind()).isEqualTo(SubscriptionKind.CATCH_UP);
				assertThat(ledger.stream()).isEqualTo(stream);
				assertThat(ledger.state()).isEqualTo(SubscriptionState.LIVE);
				assertThat(ledger.position()).isEqualTo("0");
				assertThat(ledger.head()).isEqualTo("0");
				assertThat(ledger.handled()).isEqualTo(1);
				assertThat(ledger.caughtUp()).isTrue();
				assertThat(endpoint.subscription("dormant").state()).isEqualTo(SubscriptionState.STOPPED);
				assertThat(endpoint.subscription("nope")).isNull();

				assertThat(state(endpoint.operate("ledger", "stop", null, null, null, null))).isEqualTo(SubscriptionState.STOPPED);
				assertThat(registry.snapshot("ledger").get().state()).isEqualTo(SubscriptionState.STOPPED);
				assertThat(state(endpoint.operate("dormant", "START", null, null, null, null))).isIn(SubscriptionState.STARTING,
						SubscriptionState.CATCHING_UP, SubscriptionState.LIVE);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("dormant").get().state() == SubscriptionState.LIVE);
				assertThat(state(endpoint.operate("ledger", "restart", null, null, null, null))).isNotEqualTo(SubscriptionState.STOPPED);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.LIVE);
				assertThat(endpoint.operate("nope", "stop", null, null, null, null)).isNull();
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.operate("ledger", "pause"))
					.withMessageContaining("start, stop, restart, reset, parked, replay-parked, purge-parked");
			});
	}

	private static SubscriptionState state(Object answer) {
		return ((SubscriptionDescriptor) answer).state();
	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfiguration {

		@Bean
		Ledger ledger() {
			return new Ledger();
		}

	}

	static class Ledger {

		@EventSubscription(id = "ledger", stream = "${test.stream}")
		void on(Deposited deposited) {
		}

		@EventSubscription(id = "dormant", stream = "${test.stream}", autoStartup = "false")
		void onAgain(Deposited deposited) {
		}

	}

}
