package io.github.esdb.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static io.github.esdb.observability.ObservabilityTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meter values after known event flows, in a real context against the embedded server over TCP.
 */
class SubscriptionMetricsIntegrationTests {

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	private static Map<String, Object> deposit(long amount) {
		return Map.of("account", "a", "amount", amount);
	}

	@Test
	void catchUpSubscriptionCountsOutcomesTimesHandlersAndReportsPositionCheckpointAndLag() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(10)), event("Deposited", deposit(20)),
				event("Unrelated", Map.of()), event("Deposited", deposit(-1)), event("Deposited", deposit(5)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.catch-up.on-error=skip",
					"esdb.subscriptions.catch-up.retry.max-attempts=1",
					"esdb.subscriptions.checkpoint.every-events=1")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.LIVE
							&& registry.snapshot("ledger").get().committed() != null
							&& registry.snapshot("ledger").get().committed().revision() == 4);
				SubscriptionSnapshot snapshot = registry.snapshot("ledger").get();
				assertThat(context.getBean(Ledger.class).amounts).containsExactly(10L, 20L, 5L);

				assertThat(value(meters, "esdb.subscription.events", "ledger", "outcome", "handled", "kind",
						"catch-up", "action", "none")).isEqualTo(3);
				// The unrelated type and the event skipped after its retry.
				assertThat(value(meters, "esdb.subscription.events", "ledger", "outcome", "skipped")).isEqualTo(2);
				assertThat(value(meters, "esdb.subscription.events", "ledger", "outcome", "failed"))
					.isEqualTo(snapshot.failed())
					.isEqualTo(2);

				Timer handled = meters.find("esdb.subscription.handler")
					.tags("subscription", "ledger", "kind", "catch-up", "outcome", "handled")
					.timer();
				assertThat(handled).isNotNull();
				assertThat(handled.count()).isEqualTo(3);
				assertThat(meters.find("esdb.subscription.handler").tags("subscription", "ledger", "outcome", "failed")
					.timer()
					.count()).isEqualTo(2);
				assertThat(meters.find("esdb.subscription.handler").tags("subscription", "ledger", "outcome", "skipped")
					.timer()
					.count()).isEqualTo(1);

				monitor.poll();
				assertThat(value(meters, "esdb.subscription.position", "ledger")).isEqualTo(4);
				assertThat(value(meters, "esdb.subscription.checkpoint", "ledger")).isEqualTo(4);
				assertThat(value(meters, "esdb.subscription.lag.events", "ledger")).isZero();
				assertThat(value(meters, "esdb.subscription.lag.seconds", "ledger")).isZero();
				assertThat(value(meters, "esdb.subscription.in.flight", "ledger")).isZero();
				assertThat(value(meters, "esdb.subscription.reconnects", "ledger")).isZero();
				assertThat(value(meters, "esdb.subscription.stalled", "ledger")).isZero();
				assertThat(value(meters, "esdb.subscription.state", "ledger", "state", "live")).isEqualTo(1);
				assertThat(value(meters, "esdb.subscription.state", "ledger", "state", "failed")).isZero();

				// Stopped while events keep coming: it falls behind by exactly those events.
				registry.stop("ledger");
				Thread.sleep(50);
				esdb.append(stream, event("Deposited", deposit(1)), event("Deposited", deposit(2)),
						event("Deposited", deposit(3)));
				monitor.poll();
				assertThat(value(meters, "esdb.subscription.lag.events", "ledger")).isEqualTo(3);
				assertThat(value(meters, "esdb.subscription.lag.seconds", "ledger")).isGreaterThan(0);
				assertThat(value(meters, "esdb.subscription.state", "ledger", "state", "stopped")).isEqualTo(1);

				registry.start("ledger");
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					monitor.poll();
					assertThat(value(meters, "esdb.subscription.lag.events", "ledger")).isZero();
				});
				assertThat(value(meters, "esdb.subscription.events", "ledger", "outcome", "handled")).isEqualTo(6);

				// Every client call is observed through Micrometer's gRPC interceptor.
				assertThat(meters.find("grpc.client").timers()).isNotEmpty();
			});
	}

	@Test
	void persistentSubscriptionCountsNacksByActionAndExposesTheGroupStatistics() {
		String stream = ObservabilityTestSupport.unique("payments");
		esdb.append(stream, event("Deposited", deposit(10)), event("Deposited", deposit(-1)),
				event("Deposited", deposit(0)), event("Deposited", deposit(7)));
		esdb.runner()
			.withUserConfiguration(PaymentsConfiguration.class)
			.withPropertyValues("test.stream=" + stream,
					"esdb.subscriptions.observability.persistent-stats-poll-interval=100ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// The handler records an amount before the handled counter moves: wait for the counter too.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> context.getBean(Payments.class).amounts.size() == 2
							&& value(meters, "esdb.subscription.events", "payments", "outcome", "nacked",
									"action", "skip") == 1
							&& value(meters, "esdb.subscription.events", "payments", "outcome", "handled") == 2);
				assertThat(value(meters, "esdb.subscription.events", "payments", "kind", "persistent", "outcome",
						"handled", "action", "none")).isEqualTo(2);
				assertThat(value(meters, "esdb.subscription.events", "payments", "outcome", "nacked", "action",
						"park")).isEqualTo(1);
				assertThat(meters.find("esdb.subscription.handler")
					.tags("subscription", "payments", "kind", "persistent", "outcome", "nacked")
					.timer()
					.count()).isEqualTo(2);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(value(meters, "esdb.persistent.parked", "payments", "group", "payers", "stream",
							stream)).isEqualTo(1);
					assertThat(value(meters, "esdb.persistent.connections", "payments")).isEqualTo(1);
					assertThat(value(meters, "esdb.persistent.in.flight", "payments")).isZero();
					assertThat(value(meters, "esdb.persistent.outstanding", "payments")).isZero();
				});
				assertThat(meters.find("esdb.persistent.checkpoint.lag").tag("subscription", "payments").gauge())
					.isNotNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfiguration {

		@Bean
		Ledger ledger() {
			return new Ledger();
		}

	}

	@EventSubscription(id = "ledger", stream = "${test.stream}")
	static class Ledger {

		final List<Long> amounts = new CopyOnWriteArrayList<>();

		@EventHandler
		void on(Deposited deposited) {
			if (deposited.amount() < 0) {
				throw new IllegalStateException("negative deposit");
			}
			this.amounts.add(deposited.amount());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PaymentsConfiguration {

		@Bean
		Payments payments() {
			return new Payments();
		}

	}

	static class Payments {

		final List<Long> amounts = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "payments", stream = "${test.stream}", group = "payers", from = "start")
		void on(Deposited deposited) {
			if (deposited.amount() < 0) {
				throw NackException.park("negative deposit");
			}
			if (deposited.amount() == 0) {
				throw NackException.skip("empty deposit");
			}
			this.amounts.add(deposited.amount());
		}

	}

}
