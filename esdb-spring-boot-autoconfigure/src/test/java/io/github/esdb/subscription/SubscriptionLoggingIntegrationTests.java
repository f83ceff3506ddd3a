package io.github.esdb.subscription;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.WriteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.event.LogPosition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the subscriptions log: a subscription without an event yet says so instead of "at null", and an event the
 * server delivers again from the parked stream is logged (and handed to the handler) with its own position, not
 * its parked link's.
 */
@ExtendWith(OutputCaptureExtension.class)
class SubscriptionLoggingIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void aSubscriptionWithoutAnEventSaysSoInsteadOfNull(CapturedOutput output) {
		esdb.runner()
			.withUserConfiguration(EmptyStreams.class)
			.withPropertyValues("test.stream=" + EmbeddedServerSupport.unique("empty"))
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> registry.snapshots().stream().allMatch((s) -> s.state() == SubscriptionState.LIVE));
				registry.stop("empty-catch-up");
				registry.stop("empty-persistent");
			});
		assertThat(output).contains("Subscription 'empty-catch-up' caught up before its first event")
			.contains("Subscription 'empty-catch-up' stopped before its first event")
			.contains("Subscription 'empty-persistent' stopped before its first event")
			.doesNotContain("at null")
			.doesNotContain("after null");
	}

	@Test
	void aReplayedParkedEventIsLoggedWithItsOriginalPosition(CapturedOutput output) throws Exception {
		String stream = EmbeddedServerSupport.unique("withdrawals");
		esdb.append(stream, new OrderPlaced("first", 1));
		WriteResult written = esdb.client.appendToStream(stream, EmbeddedServerSupport.event(new OrderPlaced("x", 2)))
			.get(10, TimeUnit.SECONDS);
		LogPosition original = LogPosition.fromClient(written.getLogPosition());
		KurrentDBPersistentSubscriptionsClient persistent = KurrentDBPersistentSubscriptionsClient.from(esdb.client);
		esdb.runner()
			.withUserConfiguration(AlwaysParks.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				AlwaysParks parks = context.getBean(AlwaysParks.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> parks.contexts.size() == 2);
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> Checkpoint.ofRevision(1).equals(registry.snapshot("parker").get().position()));
				persistent.replayParkedMessagesToStream(stream, "parkers").get(10, TimeUnit.SECONDS);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> parks.contexts.size() == 3);
				EventContext replayed = parks.contexts.get(2);
				assertThat(replayed.revision()).isEqualTo(1);
				assertThat(replayed.stream()).isEqualTo(stream);
				assertThat(replayed.position()).isEqualTo(original);
				// A replay is an old event again: the consumer's position does not move to the parked link's.
				assertThat(registry.snapshot("parker").get().position()).isEqualTo(Checkpoint.ofRevision(1));
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> lines(output.toString(), "nacks").size() == 2);
			});
		List<String> nacks = lines(output.toString(), "nacks");
		assertThat(nacks).hasSize(2).allSatisfy((line) -> assertThat(line).contains("revision=1, position=" + original));
	}

	private static List<String> lines(String text, String fragment) {
		return Arrays.stream(text.split("\\R")).filter((line) -> line.contains(fragment)).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyStreams {

		@Bean
		Object emptyStreams() {
			return new Object() {
				@EventSubscription(id = "empty-catch-up", stream = "${test.stream}")
				void catchUp(byte[] data) {
				}

				@EventSubscription(id = "empty-persistent", stream = "${test.stream}", group = "empty")
				void persistent(byte[] data) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AlwaysParks {

		final List<EventContext> contexts = new CopyOnWriteArrayList<>();

		@Bean
		Object parker() {
			return new Object() {
				@EventSubscription(id = "parker", stream = "${test.stream}", group = "parkers", from = "start")
				void on(OrderPlaced order, EventContext context) {
					AlwaysParks.this.contexts.add(context);
					if (order.orderId().equals("x")) {
						throw NackException.park("Insufficient funds");
					}
				}
			};
		}

	}

}
