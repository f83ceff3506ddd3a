package io.github.esdb.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lag of a filtered {@code $all} catch-up subscription counts the events it would receive, not the log positions
 * between it and the head: events of other types and system streams written after its last event do not make a
 * caught-up read model look behind. The same holds for a persistent subscription to {@code $all}. Each test gets a
 * fresh server, so {@code $all} holds exactly what it writes.
 */
class AllSubscriptionLagIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private ObservabilityTestSupport esdb;

	@BeforeEach
	void startServer() {
		this.esdb = new ObservabilityTestSupport();
	}

	@AfterEach
	void stopServer() {
		this.esdb.close();
	}

	@Test
	void countsOnlyTheEventsTheSubscriptionWouldReceive() {
		String account = ObservabilityTestSupport.unique("account");
		this.esdb.append(account, event("Deposited", deposit(1)), event("Deposited", deposit(2)));
		// Written last, so the head of $all is an event the subscription never receives.
		this.esdb.append(account, event("Withdrawn", deposit(3)), event("Withdrawn", deposit(4)));
		this.esdb.append("$audit-" + account, event("Audited", deposit(5)));
		this.esdb.runner().withUserConfiguration(TillConfiguration.class).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
			Till till = context.getBean(Till.class);
			await().atMost(WAIT).until(() -> till.amounts.size() == 2
					&& registry.snapshot("till").get().state() == SubscriptionState.LIVE);
			await().atMost(WAIT).untilAsserted(() -> {
				monitor.poll();
				SubscriptionStatus status = monitor.status("till").get();
				assertThat(status.lagEvents()).isZero();
				assertThat(status.behind()).isFalse();
			});

			registry.stop("till");
			this.esdb.append(account, event("Deposited", deposit(6)), event("Withdrawn", deposit(7)),
					event("Deposited", deposit(8)), event("Withdrawn", deposit(9)));
			monitor.poll();
			SubscriptionStatus stopped = monitor.status("till").get();
			assertThat(stopped.lagEvents()).isEqualTo(2);
			assertThat(stopped.behind()).isTrue();
			assertThat(context.getBean(MeterRegistry.class).find("esdb.subscription.lag.events")
				.tag("subscription", "till")
				.gauge()
				.value()).isEqualTo(2.0);

			registry.start("till");
			await().atMost(WAIT).untilAsserted(() -> {
				monitor.poll();
				assertThat(monitor.status("till").get().lagEvents()).isZero();
			});
			assertThat(till.amounts).containsExactly(1L, 2L, 6L, 8L);
		});
	}

	@Test
	void aPersistentAllSubscriptionCountsTheEventsItWouldReceiveToo() {
		String account = ObservabilityTestSupport.unique("account");
		this.esdb.append(account, event("Deposited", deposit(1)));
		this.esdb.runner().withUserConfiguration(PersistentTill.class).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
			PersistentTill till = context.getBean(PersistentTill.class);
			await().atMost(WAIT).until(() -> till.amounts.size() == 1
					&& registry.snapshot("persistent-till").get().position() != null);
			registry.stop("persistent-till");
			// Events of another type, of a system stream and the group's own checkpoints lie between its position
			// and the head: none of them is lag.
			this.esdb.append(account, event("Withdrawn", deposit(2)), event("Deposited", deposit(3)),
					event("Withdrawn", deposit(4)), event("Withdrawn", deposit(5)), event("Deposited", deposit(6)));
			this.esdb.append("$audit-" + account, event("Audited", deposit(7)));
			monitor.poll();
			SubscriptionStatus stopped = monitor.status("persistent-till").get();
			assertThat(stopped.lagEvents()).isEqualTo(2);
			assertThat(context.getBean(MeterRegistry.class).find("esdb.subscription.lag.events")
				.tag("subscription", "persistent-till")
				.gauge()
				.value()).isEqualTo(2.0);
			// The group's checkpoint distance on $all is in log positions, and named so.
			assertThat(context.getBean(MeterRegistry.class).find("esdb.persistent.checkpoint.lag")
				.tag("subscription", "persistent-till")
				.gauge()).isNull();
			assertThat(context.getBean(MeterRegistry.class).find("esdb.persistent.checkpoint.distance")
				.tag("subscription", "persistent-till")
				.gauge()).isNotNull();

			registry.start("persistent-till");
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(till.amounts).containsExactly(1L, 3L, 6L);
				monitor.poll();
				assertThat(monitor.status("persistent-till").get().lagEvents()).isZero();
			});
		});
	}

	private static Map<String, Object> deposit(long amount) {
		return Map.of("account", "a", "amount", amount);
	}

	@Configuration(proxyBeanMethods = false)
	static class TillConfiguration {

		@Bean
		Till till() {
			return new Till();
		}

	}

	static class PersistentTill {

		final List<Long> amounts = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "persistent-till", stream = "$all", group = "till", from = "start")
		void on(Deposited deposited) {
			this.amounts.add(deposited.amount());
		}

	}

	static class Till {

		final List<Long> amounts = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "till", stream = "$all")
		void on(Deposited deposited) {
			this.amounts.add(deposited.amount());
		}

	}

}
