package io.github.esdb.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.EventData;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.github.esdb.autoconfigure.health.SubscriptionsHealthContributor;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionState;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static io.github.esdb.observability.ObservabilityTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code esdbSubscriptions} and {@code esdbSubscriptionsCaughtUp} health through handler failures, stops,
 * restarts, a server outage and stalls, in real contexts against the embedded server over TCP.
 */
class SubscriptionHealthIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	private static Map<String, Object> deposit(long amount) {
		return Map.of("account", "a", "amount", amount);
	}

	static Health health(AssertableApplicationContext context, String id) {
		CompositeHealthContributor all = context.getBean("esdbSubscriptionsHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) all.getContributor(id)).health();
	}

	static Health caughtUp(AssertableApplicationContext context) {
		return context.getBean("esdbSubscriptionsCaughtUpHealthIndicator", HealthIndicator.class).health();
	}

	@Test
	void aFailedHandlerTurnsHealthDownUntilTheSubscriptionIsRestarted() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(1)), event("Deposited", deposit(-1)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.catch-up.retry.max-attempts=0")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				Ledger ledger = context.getBean(Ledger.class);
				await().atMost(WAIT).until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.FAILED);
				Health down = health(context, "ledger");
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsEntry("state", SubscriptionState.FAILED)
					.containsEntry("stream", stream)
					.containsEntry("position", "0")
					.containsEntry("failed", 1L)
					.containsKey("lagEvents")
					.containsKey("reconnects");
				assertThat(down.getDetails().get("lastError").toString()).contains("negative deposit");
				// The composite lists every subscription by id.
				assertThat(context.getBean(SubscriptionsHealthContributor.class).stream()
					.map(CompositeHealthContributor.Entry::name)).containsExactly("ledger");

				ledger.acceptNegative = true;
				registry.restart("ledger");
				await().atMost(WAIT).until(() -> health(context, "ledger").getStatus() == Status.UP
						&& registry.snapshot("ledger").get().state() == SubscriptionState.LIVE);
				assertThat(ledger.amounts).containsExactly(1L, -1L);
			});
	}

	@Test
	void aStoppedSubscriptionIsUpWithItsStateAndLag() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(1)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
				await().atMost(WAIT).until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.LIVE);
				registry.stop("ledger");
				esdb.append(stream, event("Deposited", deposit(2)), event("Deposited", deposit(3)));
				monitor.poll();
				Health stopped = health(context, "ledger");
				assertThat(stopped.getStatus()).isEqualTo(Status.UP);
				assertThat(stopped.getDetails()).containsEntry("state", SubscriptionState.STOPPED)
					.containsEntry("lagEvents", 2L)
					.containsEntry("head", "2");
				registry.start("ledger");
				await().atMost(WAIT).untilAsserted(() -> {
					monitor.poll();
					assertThat(health(context, "ledger").getDetails()).containsEntry("state", SubscriptionState.LIVE)
						.containsEntry("lagEvents", 0L);
				});
			});
	}

	@Test
	void aServerOutageShowsReconnectingAndRecovers() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(1)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream,
					"esdb.subscriptions.observability.reconnecting-is-down=true")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
				await().atMost(WAIT).until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.LIVE);
				assertThat(health(context, "ledger").getStatus()).isEqualTo(Status.UP);
				esdb.server.stop();
				try {
					await().atMost(WAIT)
						.until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.RECONNECTING);
					Health reconnecting = health(context, "ledger");
					assertThat(reconnecting.getStatus()).isEqualTo(Status.DOWN);
					assertThat(reconnecting.getDetails()).containsEntry("state", SubscriptionState.RECONNECTING)
						.containsKey("lastError");
					// By default a reconnecting subscription is UP, its state in the details.
					HealthIndicator lenient = (HealthIndicator) new SubscriptionsHealthContributor(monitor, false)
						.getContributor("ledger");
					assertThat(lenient.health().getStatus()).isEqualTo(Status.UP);
				}
				finally {
					esdb.server.start();
				}
				await().atMost(WAIT).until(() -> registry.snapshot("ledger").get().state() == SubscriptionState.LIVE);
				assertThat(health(context, "ledger").getStatus()).isEqualTo(Status.UP);
				assertThat(health(context, "ledger").getDetails().get("reconnects")).isEqualTo(1L);
				assertThat(value(context.getBean(MeterRegistry.class), "esdb.subscription.reconnects", "ledger"))
					.isEqualTo(1);
				esdb.append(stream, event("Deposited", deposit(2)));
				await().atMost(WAIT).until(() -> context.getBean(Ledger.class).amounts.size() == 2);
			});
	}

	@Test
	void aHandlerThatNeverReturnsIsReportedStalled() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(1)), event("Deposited", deposit(2)),
				event("Deposited", deposit(3)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.observability.stall-timeout=2s",
					"test.block-on=2")
			.run((context) -> {
				Ledger ledger = context.getBean(Ledger.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				try {
					await().atMost(WAIT)
						.until(() -> value(meters, "esdb.subscription.in.flight", "ledger") == 1);
					assertThat(health(context, "ledger").getStatus()).isEqualTo(Status.UP);
					await().atMost(WAIT).until(() -> health(context, "ledger").getStatus() == Status.DOWN);
					Health stalled = health(context, "ledger");
					assertThat(stalled.getDetails()).containsEntry("stalled", true)
						.containsEntry("state", SubscriptionState.LIVE.equals(stalled.getDetails().get("state"))
								? SubscriptionState.LIVE : SubscriptionState.CATCHING_UP)
						.containsEntry("inFlight", 1);
					assertThat(stalled.getDetails().get("error").toString()).startsWith("Stalled");
					assertThat(value(meters, "esdb.subscription.stalled", "ledger")).isEqualTo(1);
				}
				finally {
					ledger.release.countDown();
				}
				await().atMost(WAIT).until(() -> health(context, "ledger").getStatus() == Status.UP);
				await().atMost(WAIT).until(() -> ledger.amounts.size() == 3);
			});
	}

	@Test
	void aStuckPartitionIsReportedStalledWhileTheOtherPartitionGoesOn() {
		stuckPartitionIsReportedStalled(ShiftsConfiguration.class, "shifts");
	}

	@Test
	void aStuckPartitionOfAPersistentSubscriptionIsReportedStalledWhileTheOtherPartitionGoesOn() {
		stuckPartitionIsReportedStalled(PersistentShiftsConfiguration.class, "persistent-shifts");
	}

	private void stuckPartitionIsReportedStalled(Class<?> configuration, String id) {
		String stream = ObservabilityTestSupport.unique("shifts");
		// A 600 ms call of the odd partition first, so that the call that then blocks is not the only one running
		// when it starts: the watchdog must watch every running call, not the first.
		esdb.append(stream, event("Deposited", deposit(6001)));
		esdb.runner()
			.withUserConfiguration(configuration)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.observability.stall-timeout=1s",
					"test.block-on=2")
			.run((context) -> {
				ShiftLog shifts = context.getBean(ShiftLog.class);
				try {
					await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> shifts.lastStarted == 6001);
					esdb.append(stream, event("Deposited", deposit(2)));
					await().atMost(WAIT).until(() -> shifts.blocked);
					long deadline = System.nanoTime() + WAIT.toNanos();
					long odd = 1;
					// The odd partition handles an event every 100 ms while the even one stays stuck.
					while (health(context, id).getStatus() != Status.DOWN) {
						assertThat(System.nanoTime() - deadline).as("stalled within %s", WAIT).isNegative();
						esdb.append(stream, event("Deposited", deposit(odd)));
						odd += 2;
						Thread.sleep(100);
					}
					assertThat(health(context, id).getDetails()).containsEntry("stalled", true);
					await().atMost(WAIT).until(() -> shifts.amounts.containsAll(List.of(1L, 3L)));
				}
				finally {
					shifts.release.countDown();
				}
				await().atMost(WAIT).until(() -> health(context, id).getStatus() == Status.UP);
			});
	}

	@Test
	void partitionsBusyWithCallAfterCallAreNotReportedStalled() {
		String stream = ObservabilityTestSupport.unique("shifts");
		// Each handler call sleeps a tenth of the amount in milliseconds. The even partition starts with a 200 ms
		// call and the odd one with 400 ms ones, so the two stay half a call apart and some call runs at every moment
		// for over three seconds, three stall timeouts, while events keep finishing.
		List<EventData> events = new ArrayList<>();
		events.add(event("Deposited", deposit(2000)));
		events.add(event("Deposited", deposit(4001)));
		for (int i = 0; i < 7; i++) {
			events.add(event("Deposited", deposit(4000)));
			events.add(event("Deposited", deposit(4001)));
		}
		esdb.append(stream, events.toArray(EventData[]::new));
		esdb.runner()
			.withUserConfiguration(ShiftsConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.observability.stall-timeout=1s")
			.run((context) -> {
				ShiftLog shifts = context.getBean(ShiftLog.class);
				await().atMost(WAIT).until(() -> !shifts.amounts.isEmpty());
				while (shifts.amounts.size() < events.size()) {
					assertThat(health(context, "shifts").getStatus()).as("after %d events", shifts.amounts.size())
						.isEqualTo(Status.UP);
					Thread.sleep(50);
				}
			});
	}

	@Test
	void aSubscriptionRegisteredAgainUnderTheSameIdIsWatchedAfresh() {
		String stream = ObservabilityTestSupport.unique("again");
		esdb.append(stream, event("Deposited", deposit(1)));
		esdb.runner().withPropertyValues("esdb.subscriptions.observability.stall-timeout=1s").run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			SubscriptionMonitor monitor = context.getBean(SubscriptionMonitor.class);
			AtomicInteger handled = new AtomicInteger();
			registry.subscribeToStream("again", stream, (event, details) -> handled.incrementAndGet());
			await().atMost(WAIT).until(() -> handled.get() == 1);
			monitor.poll();
			registry.unsubscribe("again", WAIT);
			// The monitor forgets the subscription; the same id (the same string) comes back with a handler that
			// blocks, and its calls must count for the new registration, not the forgotten one.
			monitor.poll();
			CountDownLatch release = new CountDownLatch(1);
			registry.subscribeToStream("again", stream, (event, details) -> release.await(30, TimeUnit.SECONDS));
			// It resumes after the first event, from its checkpoint.
			esdb.append(stream, event("Deposited", deposit(2)));
			try {
				await().atMost(WAIT)
					.until(() -> monitor.status("again").map(SubscriptionStatus::inFlight).orElse(0) == 1);
				await().atMost(WAIT).until(() -> monitor.status("again").get().stalled());
				// Announced again: the meters the removal took away are back.
				monitor.poll();
				assertThat(value(context.getBean(MeterRegistry.class), "esdb.subscription.in.flight", "again"))
					.isEqualTo(1);
			}
			finally {
				release.countDown();
			}
		});
	}

	@Test
	void aSubscriptionBehindThatDoesNotMoveIsReportedStalled() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(1)), event("Deposited", deposit(-1)),
				event("Deposited", deposit(3)));
		// Retrying the bad event for a long time: no handler is running, the position does not move.
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.observability.stall-timeout=1s",
					"esdb.subscriptions.catch-up.retry.max-attempts=1000",
					"esdb.subscriptions.catch-up.retry.initial-interval=30s",
					"esdb.subscriptions.catch-up.retry.max-interval=30s", "esdb.subscriptions.shutdown-timeout=1s")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(WAIT).until(() -> registry.snapshot("ledger").get().failed() == 1);
				await().atMost(WAIT).until(() -> health(context, "ledger").getStatus() == Status.DOWN);
				Health stalled = health(context, "ledger");
				assertThat(stalled.getDetails()).containsEntry("stalled", true)
					.containsEntry("inFlight", 0)
					.containsEntry("lagEvents", 2L);
				assertThat(registry.snapshot("ledger").get().state().isActive()).isTrue();
			});
	}

	@Test
	void readinessWaitsUntilEveryStartedCatchUpSubscriptionCaughtUpOnce() {
		String stream = ObservabilityTestSupport.unique("ledger");
		esdb.append(stream, event("Deposited", deposit(1)), event("Deposited", deposit(2)));
		esdb.runner()
			.withUserConfiguration(LedgerConfiguration.class, DormantConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.block-on=1")
			.run((context) -> {
				Ledger ledger = context.getBean(Ledger.class);
				try {
					await().atMost(WAIT).until(() -> ledger.blocked);
					Health rebuilding = caughtUp(context);
					assertThat(rebuilding.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
					// The subscription that is not auto-started does not hold readiness back.
					assertThat(rebuilding.getDetails()).containsEntry("pending", List.of("ledger"))
						.containsEntry("caughtUp", List.of());
				}
				finally {
					ledger.release.countDown();
				}
				await().atMost(WAIT).until(() -> caughtUp(context).getStatus() == Status.UP);
				assertThat(caughtUp(context).getDetails()).containsEntry("caughtUp", List.of("ledger"));
				// Once caught up, a stop does not take readiness away.
				context.getBean(SubscriptionRegistry.class).stop("ledger");
				assertThat(caughtUp(context).getStatus()).isEqualTo(Status.UP);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfiguration {

		@Bean
		Ledger ledger(org.springframework.core.env.Environment environment) {
			return new Ledger(environment.getProperty("test.block-on", Long.class, Long.MIN_VALUE));
		}

	}

	@EventSubscription(id = "ledger", stream = "${test.stream}")
	static class Ledger {

		final List<Long> amounts = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		final long blockOn;

		volatile boolean acceptNegative;

		volatile boolean blocked;

		Ledger(long blockOn) {
			this.blockOn = blockOn;
		}

		@EventHandler
		void on(Deposited deposited) throws InterruptedException {
			if (deposited.amount() == this.blockOn) {
				this.blocked = true;
				this.release.await(30, TimeUnit.SECONDS);
			}
			if (deposited.amount() < 0 && !this.acceptNegative) {
				throw new IllegalStateException("negative deposit");
			}
			this.amounts.add(deposited.amount());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShiftLogConfiguration {

		@Bean
		ShiftLog shiftLog(org.springframework.core.env.Environment environment) {
			return new ShiftLog(environment.getProperty("test.block-on", Long.class, Long.MIN_VALUE));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ ShiftLogConfiguration.class, Shifts.class })
	static class ShiftsConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ ShiftLogConfiguration.class, PersistentShifts.class })
	static class PersistentShiftsConfiguration {

	}

	/** Two partitions by the amount's parity. */
	@EventSubscription(id = "shifts", stream = "${test.stream}", concurrency = "2", partitionBy = "payload.amount % 2")
	record Shifts(ShiftLog log) {

		@EventHandler
		void on(Deposited deposited) throws InterruptedException {
			this.log.handle(deposited.amount());
		}

	}

	/** The same as a consumer of a persistent group. */
	@EventSubscription(id = "persistent-shifts", stream = "${test.stream}", group = "shifts", from = "start",
			concurrency = "2", partitionBy = "payload.amount % 2")
	record PersistentShifts(ShiftLog log) {

		@EventHandler
		void on(Deposited deposited) throws InterruptedException {
			this.log.handle(deposited.amount());
		}

	}

	/** What the shifts handled; each call sleeps a tenth of the amount in milliseconds, or blocks on one amount. */
	static class ShiftLog {

		final List<Long> amounts = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		final long blockOn;

		volatile boolean blocked;

		volatile long lastStarted;

		ShiftLog(long blockOn) {
			this.blockOn = blockOn;
		}

		void handle(long amount) throws InterruptedException {
			this.lastStarted = amount;
			if (amount == this.blockOn) {
				this.blocked = true;
				this.release.await(30, TimeUnit.SECONDS);
			}
			else {
				Thread.sleep(amount / 10);
			}
			this.amounts.add(amount);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DormantConfiguration {

		@Bean
		Dormant dormant() {
			return new Dormant();
		}

	}

	static class Dormant {

		@EventSubscription(id = "dormant", stream = "${test.stream}", autoStartup = "false")
		void on(Deposited deposited) {
		}

	}

}
