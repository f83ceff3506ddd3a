package io.github.esdb.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpoint;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static io.github.esdb.observability.ObservabilityTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the monitor cannot read the head (the server is down) the lag is unknown, not 0: in the health details, the
 * endpoint and the gauges (NaN), and readiness does not count the subscription as caught up. Once the server is back
 * the lag is a number again. A real context against the embedded server over TCP, stopped and restarted on its port.
 */
class LagDuringOutageIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void lagIsUnknownWhileTheHeadCannotBeReadAndANumberAgainAfterTheRestart() {
		try (ObservabilityTestSupport esdb = new ObservabilityTestSupport()) {
			String stream = ObservabilityTestSupport.unique("ledger");
			esdb.append(stream, event("Deposited", Map.of("account", "a", "amount", 1L)));
			esdb.runner()
				.withUserConfiguration(SubscriptionHealthIntegrationTests.LedgerConfiguration.class)
				.withPropertyValues("test.stream=" + stream, "esdb.max-discover-attempts=1",
						"esdb.shutdown-timeout=1s")
				.run((context) -> {
					SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					SubscriptionsEndpoint endpoint = context.getBean(SubscriptionsEndpoint.class);
					await().atMost(WAIT).untilAsserted(() -> {
						assertThat(registry.snapshot("ledger").get().state()).isEqualTo(SubscriptionState.LIVE);
						assertThat(SubscriptionHealthIntegrationTests.health(context, "ledger").getDetails())
							.containsEntry("lagEvents", 0L);
						assertThat(value(meters, "esdb.subscription.lag.events", "ledger")).isEqualTo(0);
						assertThat(SubscriptionHealthIntegrationTests.caughtUp(context).getStatus())
							.isEqualTo(Status.UP);
					});

					esdb.server.stop();
					try {
						await().atMost(WAIT).untilAsserted(() -> {
							Health health = SubscriptionHealthIntegrationTests.health(context, "ledger");
							assertThat(health.getDetails()).containsEntry("lagEvents", "unknown")
								.containsEntry("lagSeconds", "unknown")
								.containsKey("headStaleSince")
								.containsEntry("stalled", false);
							assertThat(value(meters, "esdb.subscription.lag.events", "ledger")).isNaN();
							assertThat(value(meters, "esdb.subscription.lag.seconds", "ledger")).isNaN();
							assertThat(endpoint.subscription("ledger").lagEvents()).isNull();
							// Readiness stays UP once caught up: an outage must not empty the load balancer; the
							// stale head is listed.
							Health readiness = SubscriptionHealthIntegrationTests.caughtUp(context);
							assertThat(readiness.getStatus()).isEqualTo(Status.UP);
							assertThat(readiness.getDetails()).containsEntry("headStale", List.of("ledger"));
						});
					}
					finally {
						esdb.server.start();
					}

					await().atMost(WAIT).untilAsserted(() -> {
						Health health = SubscriptionHealthIntegrationTests.health(context, "ledger");
						assertThat(health.getDetails()).containsEntry("lagEvents", 0L)
							.doesNotContainKey("headStaleSince");
						assertThat(value(meters, "esdb.subscription.lag.events", "ledger")).isEqualTo(0);
						assertThat(endpoint.subscription("ledger").lagEvents()).isEqualTo(0L);
						assertThat(SubscriptionHealthIntegrationTests.caughtUp(context).getStatus())
							.isEqualTo(Status.UP);
					});
				});
		}
	}

	@Test
	void theStallWatchdogDoesNotJudgeBehindAgainstAnUnknownHeadAndResumesOnceItIsKnown() {
		try (ObservabilityTestSupport esdb = new ObservabilityTestSupport()) {
			String stream = ObservabilityTestSupport.unique("ledger");
			esdb.append(stream, event("Deposited", Map.of("account", "a", "amount", 1L)),
					event("Deposited", Map.of("account", "a", "amount", -1L)),
					event("Deposited", Map.of("account", "a", "amount", 3L)));
			// Retrying the bad event for a long time: behind, not moving, no handler running.
			esdb.runner()
				.withUserConfiguration(SubscriptionHealthIntegrationTests.LedgerConfiguration.class)
				.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.observability.stall-timeout=1s",
						"esdb.subscriptions.catch-up.retry.max-attempts=1000",
						"esdb.subscriptions.catch-up.retry.initial-interval=30s",
						"esdb.subscriptions.catch-up.retry.max-interval=30s",
						"esdb.subscriptions.shutdown-timeout=1s", "esdb.max-discover-attempts=1",
						"esdb.shutdown-timeout=1s")
				.run((context) -> {
					await().atMost(WAIT).untilAsserted(() -> assertThat(
							SubscriptionHealthIntegrationTests.health(context, "ledger").getDetails())
						.containsEntry("stalled", true)
						.containsEntry("lagEvents", 2L));
					esdb.server.stop();
					try {
						await().atMost(WAIT).untilAsserted(() -> {
							Health health = SubscriptionHealthIntegrationTests.health(context, "ledger");
							assertThat(health.getDetails()).containsEntry("stalled", false)
								.containsEntry("lagEvents", "unknown")
								.containsKey("headStaleSince");
						});
					}
					finally {
						esdb.server.start();
					}
					// Behind and still not moving against a known head: stalled again after the timeout.
					await().atMost(WAIT).untilAsserted(() -> assertThat(
							SubscriptionHealthIntegrationTests.health(context, "ledger").getDetails())
						.containsEntry("stalled", true)
						.containsEntry("lagEvents", 2L)
						.doesNotContainKey("headStaleSince"));
				});
		}
	}

}
