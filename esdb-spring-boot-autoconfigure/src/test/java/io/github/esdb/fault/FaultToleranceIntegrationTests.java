package io.github.esdb.fault;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthIndicator;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.EventSubscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite: a real application context with a writer through {@code EsdbTemplate}, a catch-up subscription
 * and the {@code esdb} health indicator, against an embedded server that restarts mid-stream or starts after the
 * application. Nothing written is lost, writes succeed within seconds of the database coming back, and health goes
 * DOWN and UP in step with the database.
 */
class FaultToleranceIntegrationTests {

	/** How long writes may take to succeed again once the database is back. */
	private static final Duration RECOVERY = Duration.ofSeconds(10);

	private static final int OUTAGES = 3;

	private static final Duration OUTAGE = Duration.ofSeconds(3);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class,
				SubscriptionAutoConfiguration.class, EsdbTemplateAutoConfiguration.class,
				EsdbHealthContributorAutoConfiguration.class))
		.withUserConfiguration(LedgerConfiguration.class)
		.withPropertyValues("esdb.max-discover-attempts=2", "esdb.health.timeout=1s",
				"esdb.subscriptions.checkpoint.every-events=20", "esdb.subscriptions.shutdown-timeout=5s");

	@Test
	void serverRestartsMidStreamLoseNothingAndWritesAndHealthFollowTheDatabase() throws Exception {
		EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start();
		try {
			this.runner.withPropertyValues("esdb.connection-string=" + server.connectionString()).run((context) -> {
				Ledger ledger = context.getBean(Ledger.class);
				try (Writer writer = new Writer(context.getBean(EsdbOperations.class));
						HealthSampler health = new HealthSampler(context.getBean(EsdbHealthIndicator.class))) {
					for (int outage = 0; outage < OUTAGES; outage++) {
						int before = writer.written.size();
						await().atMost(Duration.ofSeconds(20)).until(() -> writer.written.size() >= before + 50);
						long downAt = System.nanoTime();
						server.stop();
						await().atMost(Duration.ofSeconds(10)).until(() -> health.sawSince(downAt, Status.DOWN));
						Thread.sleep(OUTAGE.toMillis());
						long upAt = System.nanoTime();
						server.start();
						await().atMost(RECOVERY).until(() -> writer.lastSuccessNanos.get() > upAt);
						long writesBack = System.nanoTime();
						await().atMost(RECOVERY).until(() -> health.sawSince(upAt, Status.UP));
						System.out.printf("[fault] outage %d: health DOWN %d ms after the stop, writes back %d ms and "
								+ "health UP %d ms after the restart%n", outage + 1,
								(health.firstSince(downAt, Status.DOWN) - downAt) / 1_000_000,
								(writesBack - upAt) / 1_000_000, (health.firstSince(upAt, Status.UP) - upAt) / 1_000_000);
					}
					writer.stop();
					assertThat(writer.failures.get()).as("appends refused while the database was down").isPositive();
					await().atMost(Duration.ofSeconds(30))
						.until(() -> ledger.handled.keySet().containsAll(writer.written));
					assertThat(writer.written).hasSizeGreaterThan(OUTAGES * 50);
					System.out.printf("[fault] %d events written, all handled; %d handled more than once%n",
							writer.written.size(),
							ledger.handled.values().stream().filter((count) -> count.get() > 1).count());
				}
			});
		}
		finally {
			server.close();
		}
	}

	@Test
	void anApplicationStartedBeforeItsDatabaseWritesAndSubscribesOnceItIsUp() throws Exception {
		int port = freePort();
		EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(port).build();
		try {
			this.runner.withPropertyValues("esdb.connection-string=kurrentdb://127.0.0.1:" + port + "?tls=false")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Ledger ledger = context.getBean(Ledger.class);
					try (Writer writer = new Writer(context.getBean(EsdbOperations.class));
							HealthSampler health = new HealthSampler(context.getBean(EsdbHealthIndicator.class))) {
						await().atMost(Duration.ofSeconds(10)).until(() -> writer.failures.get() >= 3);
						assertThat(writer.written).isEmpty();
						assertThat(health.sawSince(0, Status.DOWN)).isTrue();
						// Long enough for the client to give up its discovery attempts and shut itself down.
						Thread.sleep(OUTAGE.toMillis());
						long upAt = System.nanoTime();
						server.start();
						await().atMost(RECOVERY).until(() -> writer.lastSuccessNanos.get() > upAt);
						await().atMost(RECOVERY).until(() -> health.sawSince(upAt, Status.UP));
						await().atMost(Duration.ofSeconds(20)).until(() -> writer.written.size() >= 50);
						writer.stop();
						await().atMost(Duration.ofSeconds(30))
							.until(() -> ledger.handled.keySet().containsAll(writer.written));
					}
				});
		}
		finally {
			server.close();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@EventType("Posted")
	record Posted(String id) {
	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfiguration {

		@Bean
		Ledger ledger() {
			return new Ledger();
		}

	}

	static class Ledger {

		final ConcurrentHashMap<String, AtomicInteger> handled = new ConcurrentHashMap<>();

		@EventSubscription(id = "ledger", stream = "ledger")
		void on(Posted posted) {
			this.handled.computeIfAbsent(posted.id(), (id) -> new AtomicInteger()).incrementAndGet();
		}

	}

	/** Appends one event at a time through the template, as fast as the database lets it. */
	static final class Writer implements AutoCloseable {

		final Set<String> written = ConcurrentHashMap.newKeySet();

		final AtomicInteger failures = new AtomicInteger();

		final AtomicLong lastSuccessNanos = new AtomicLong();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Writer(EsdbOperations operations) {
			this.thread = new Thread(() -> {
				int next = 0;
				while (this.running.get()) {
					String id = "p-" + next;
					try {
						operations.append("ledger", new Posted(id));
						this.written.add(id);
						this.lastSuccessNanos.set(System.nanoTime());
						next++;
						sleep(5);
					}
					catch (RuntimeException ex) {
						// The database is down: the append was refused (or its outcome is unknown; the same id is
						// tried again, and only a confirmed write counts).
						this.failures.incrementAndGet();
						sleep(100);
					}
				}
			}, "fault-writer");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** Asks the health indicator every 100 ms and remembers what it said when. */
	static final class HealthSampler implements AutoCloseable {

		private record Sample(long nanos, Status status) {
		}

		private final List<Sample> samples = new CopyOnWriteArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		HealthSampler(EsdbHealthIndicator indicator) {
			this.thread = new Thread(() -> {
				while (this.running.get()) {
					this.samples.add(new Sample(System.nanoTime(), indicator.health(false).getStatus()));
					try {
						Thread.sleep(100);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "fault-health");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		long firstSince(long nanos, Status status) {
			return new ArrayList<>(this.samples).stream()
				.filter((sample) -> sample.nanos() >= nanos && sample.status().equals(status))
				.mapToLong(Sample::nanos)
				.findFirst()
				.orElse(-1);
		}

		boolean sawSince(long nanos, Status status) {
			List<Sample> copy = new ArrayList<>(this.samples);
			return copy.stream().anyMatch((sample) -> sample.nanos() >= nanos && sample.status().equals(status));
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(5_000);
		}

	}

}
