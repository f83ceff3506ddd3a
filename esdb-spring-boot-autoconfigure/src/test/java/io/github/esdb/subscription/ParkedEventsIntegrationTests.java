package io.github.esdb.subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Parked events of both kinds, through the registry, the official client and the embedded server: a catch-up
 * subscription parks into its dead-letter stream and moves on, and its parked events can be listed, replayed to the
 * handler (also after a restart) and purged; a persistent group's parked events are listed, replayed by the server
 * and purged the same way.
 */
class ParkedEventsIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void aCatchUpSubscriptionParksMovesOnAndReplaysAfterARestart() {
		String id = EmbeddedServerSupport.unique("parking");
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("good-1", 1), new OrderPlaced("bad-1", 2), new OrderPlaced("good-2", 3),
				new OrderPlaced("bad-2", 4));
		Instant before = Instant.now().minusSeconds(1);
		esdb.runner()
			.withUserConfiguration(CatchUpConfiguration.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream, "esdb.subscriptions.checkpoint.every-events=1")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				CatchUpHandler handler = context.getBean(CatchUpHandler.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount(id) == 2);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> Checkpoint.ofRevision(3).equals(registry.snapshot(id).get().committed()));
				assertThat(handler.handled).containsExactly("good-1", "good-2");
				List<ParkedEvent> parked = registry.parked(id, 0, 10);
				assertThat(parked).extracting(ParkedEvent::stream).containsOnly(stream);
				assertThat(parked).extracting(ParkedEvent::revision).containsExactly(1L, 3L);
				assertThat(parked).extracting(ParkedEvent::eventType).containsOnly("OrderPlaced");
				assertThat(parked).extracting(ParkedEvent::reason).containsExactly("no bad-1", "no bad-2");
				assertThat(parked).extracting(ParkedEvent::retryCount).containsOnly(0);
				assertThat(parked).allSatisfy((event) -> {
					assertThat(event.parkedAt()).isAfter(before);
					assertThat(event.error()).isEqualTo(NackException.class.getName() + ": " + event.reason());
				});
				assertThat(registry.parked(id, 1, 10)).extracting(ParkedEvent::revision).containsExactly(3L);
				// The dead-letter stream holds links, as the server's parked streams do.
				List<ResolvedEvent> links = esdb.read("$esdb-parked-" + id);
				assertThat(links).hasSize(2);
				assertThat(links.get(0).getOriginalEvent().getEventType()).isEqualTo("$>");
				assertThat(new String(links.get(0).getOriginalEvent().getEventData(), StandardCharsets.UTF_8))
					.isEqualTo("1@" + stream);
			});
		// Started again: the checkpoint is past the parked events, which are still parked, and a replay hands them
		// to the handler (which takes them now).
		esdb.runner()
			.withUserConfiguration(CatchUpConfiguration.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream, "test.refuse=false")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				CatchUpHandler handler = context.getBean(CatchUpHandler.class);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> registry.snapshot(id).get().state() == SubscriptionState.LIVE);
				assertThat(handler.handled).isEmpty();
				assertThat(registry.parkedCount(id)).isEqualTo(2);
				assertThat(registry.replayParked(id, 1)).isEqualTo(1);
				assertThat(handler.handled).containsExactly("bad-1");
				assertThat(registry.parkedCount(id)).isEqualTo(1);
				assertThat(registry.parked(id, 0, 10)).extracting(ParkedEvent::revision).containsExactly(3L);
				assertThat(registry.replayParked(id)).isEqualTo(1);
				assertThat(handler.handled).containsExactly("bad-1", "bad-2");
				assertThat(registry.parkedCount(id)).isZero();
				assertThat(registry.replayParked(id)).isZero();
			});
	}

	@Test
	void aCatchUpReplayThatParksAgainCountsTheRetryAndPurgeDropsWithoutHandling() {
		String id = EmbeddedServerSupport.unique("parking");
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("bad-1", 1), new OrderPlaced("bad-2", 2));
		esdb.runner()
			.withUserConfiguration(CatchUpConfiguration.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				CatchUpHandler handler = context.getBean(CatchUpHandler.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount(id) == 2);
				// Still refused: parked anew, one retry later.
				assertThat(registry.replayParked(id, 1)).isEqualTo(1);
				List<ParkedEvent> parked = registry.parked(id, 0, 10);
				assertThat(parked).extracting(ParkedEvent::revision).containsExactly(1L, 0L);
				assertThat(parked).extracting(ParkedEvent::retryCount).containsExactly(0, 1);
				assertThat(registry.purgeParked(id)).isEqualTo(2);
				assertThat(registry.parkedCount(id)).isZero();
				assertThat(registry.parked(id, 0, 10)).isEmpty();
				handler.refuse.set(false);
				assertThat(registry.replayParked(id)).isZero();
				assertThat(handler.handled).isEmpty();
			});
	}

	@Test
	void aCatchUpReplayThatFailsStopsThereAndKeepsTheRestParked() {
		String id = EmbeddedServerSupport.unique("parking");
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("bad-1", 1), new OrderPlaced("bad-2", 2));
		esdb.runner()
			.withUserConfiguration(CatchUpConfiguration.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream, "esdb.subscriptions.catch-up.retry.max-attempts=1")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				CatchUpHandler handler = context.getBean(CatchUpHandler.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount(id) == 2);
				handler.crash.set(true);
				assertThatIllegalStateException().isThrownBy(() -> registry.replayParked(id))
					.withMessageContaining("stopped at parked event 0");
				assertThat(registry.parkedCount(id)).isEqualTo(2);
			});
	}

	@Test
	void aPersistentGroupsParkedEventsAreListedReplayedAndPurged() {
		String id = EmbeddedServerSupport.unique("parking");
		String stream = EmbeddedServerSupport.unique("payments");
		esdb.append(stream, new OrderPlaced("good-1", 1), new OrderPlaced("bad-1", 2), new OrderPlaced("bad-2", 3));
		esdb.runner()
			.withUserConfiguration(PersistentHandler.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				PersistentHandler handler = context.getBean(PersistentHandler.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount(id) == 2);
				List<ParkedEvent> parked = registry.parked(id, 0, 10);
				assertThat(parked).extracting(ParkedEvent::revision).containsExactly(1L, 2L);
				assertThat(parked).extracting(ParkedEvent::stream).containsOnly(stream);
				assertThat(parked).extracting(ParkedEvent::eventType).containsOnly("OrderPlaced");
				assertThat(parked.get(0).reason()).contains("no bad-1");
				assertThat(parked).allSatisfy((event) -> assertThat(event.parkedAt()).isNotNull());
				handler.refuse.set(false);
				assertThat(registry.replayParked(id, 1)).isEqualTo(1);
				await().atMost(Duration.ofSeconds(20)).until(() -> handler.handled.contains("bad-1"));
				await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount(id) == 1);
				assertThat(handler.handled).doesNotContain("bad-2");
				assertThat(registry.purgeParked(id)).isEqualTo(1);
				assertThat(registry.parkedCount(id)).isZero();
				// What was purged is not delivered by a replay.
				assertThat(registry.replayParked(id)).isZero();
				await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
					.until(() -> !handler.handled.contains("bad-2"));
			});
	}

	@Test
	void aCatchUpReplayWaitsForTheHandlerRunningOnTheClientThread() throws Exception {
		String id = EmbeddedServerSupport.unique("parking");
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("bad-1", 1));
		esdb.runner()
			.withUserConfiguration(CatchUpConfiguration.class)
			.withPropertyValues("test.id=" + id, "test.stream=" + stream)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				CatchUpHandler handler = context.getBean(CatchUpHandler.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount(id) == 1);
				handler.refuse.set(false);
				// The default handler thread is the client's: this event's handler holds it until released.
				esdb.append(stream, new OrderPlaced("slow-1", 2));
				await().atMost(Duration.ofSeconds(20)).until(() -> handler.active.get() == 1);
				CompletableFuture<Integer> replay = CompletableFuture.supplyAsync(() -> {
					try {
						return registry.replayParked(id);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
				// The replay waits for the subscription's own handler call rather than run the handler alongside it.
				await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
					.until(() -> !replay.isDone() && handler.handled.isEmpty());
				handler.release.countDown();
				assertThat(replay.get(20, TimeUnit.SECONDS)).isEqualTo(1);
				assertThat(handler.handled).containsExactly("slow-1", "bad-1");
				assertThat(handler.maxActive.get()).as("handler calls at once").isEqualTo(1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CatchUpConfiguration {

		@Bean
		CatchUpHandler catchUpHandler(@Value("${test.refuse:true}") boolean refuse) {
			return new CatchUpHandler(refuse);
		}

	}

	static class CatchUpHandler {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicBoolean refuse;

		final AtomicBoolean crash = new AtomicBoolean();

		/** Lets a "slow" event's handler call return. */
		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger active = new AtomicInteger();

		final AtomicInteger maxActive = new AtomicInteger();

		CatchUpHandler(boolean refuse) {
			this.refuse = new AtomicBoolean(refuse);
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced order) throws InterruptedException {
			this.maxActive.accumulateAndGet(this.active.incrementAndGet(), Math::max);
			try {
				handle(order);
			}
			finally {
				this.active.decrementAndGet();
			}
		}

		private void handle(OrderPlaced order) throws InterruptedException {
			if (order.orderId().startsWith("slow") && !this.release.await(20, TimeUnit.SECONDS)) {
				throw new IllegalStateException("never released");
			}
			if (order.orderId().startsWith("bad")) {
				if (this.crash.get()) {
					throw new IllegalStateException("crashed on " + order.orderId());
				}
				if (this.refuse.get()) {
					throw NackException.park("no " + order.orderId());
				}
			}
			this.handled.add(order.orderId());
		}

	}

	static class PersistentHandler {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicBoolean refuse = new AtomicBoolean(true);

		@EventSubscription(id = "${test.id}", stream = "${test.stream}", group = "${test.id}", from = "start")
		void on(OrderPlaced order) {
			if (order.orderId().startsWith("bad") && this.refuse.get()) {
				throw NackException.park("no " + order.orderId());
			}
			this.handled.add(order.orderId());
		}

	}

}
