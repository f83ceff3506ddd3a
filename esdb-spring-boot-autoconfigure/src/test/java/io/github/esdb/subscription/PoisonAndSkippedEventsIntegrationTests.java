package io.github.esdb.subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events that are not poison are not treated as poison, and events no handler can take leave a trace: a JSON
 * {@code null} payload is unreadable data (parked at once) unless the handler takes a {@code @Nullable} payload;
 * unknown types and links to deleted events are counted and logged once.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoisonAndSkippedEventsIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private static EventData json(String type, String json) {
		return EventData.builderAsJson(type, json.getBytes(StandardCharsets.UTF_8)).build();
	}

	@Test
	void aNullPayloadIsParkedAtOnceInsteadOfFailingTheHandler() {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, json("OrderPlaced", "null"), new OrderPlaced("after", 2));
		esdb.runner()
			.withUserConfiguration(StrictConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				Strict handler = context.getBean(Strict.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> handler.received.size() == 1);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> esdb.groupShows(stream, "strict", (group) -> group.getStats().getParkedMessageCount() == 1));
				assertThat(handler.received).containsExactly(new OrderPlaced("after", 2));
				SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot("strict").get();
				// Parked on its first delivery: one failure, no retries.
				assertThat(snapshot.failed()).isEqualTo(1);
				assertThat(snapshot.lastError()).contains("null payload");
			});
	}

	@Test
	void aHandlerThatTakesANullablePayloadReceivesNull() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, json("OrderPlaced", "null"), new OrderPlaced("after", 2));
		esdb.runner()
			.withUserConfiguration(Lenient.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				Lenient handler = context.getBean(Lenient.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> handler.received.size() == 2);
				assertThat(handler.received).containsExactly("null", "after");
			});
	}

	@Test
	void unknownTypesAndLinksToDeletedEventsAreCountedAndLoggedOnce(CapturedOutput output) throws Exception {
		String stream = EmbeddedServerSupport.unique("orders");
		String target = EmbeddedServerSupport.unique("gone");
		esdb.append(target, new OrderPlaced("deleted", 1));
		esdb.append(stream, json("Mystery", "{}"), json("Mystery", "{}"), json("$>", "0@" + target),
				json("$>", "0@" + target), new OrderPlaced("known", 3));
		esdb.client.deleteStream(target, DeleteStreamOptions.get()).get(5, TimeUnit.SECONDS);
		esdb.runner()
			.withUserConfiguration(Lenient.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				Lenient handler = context.getBean(Lenient.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> handler.received.contains("known"));
				SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot(stream).get();
				assertThat(snapshot.skipped()).isEqualTo(4);
				assertThat(handler.received).containsExactly("known");
				assertThat(output).containsOnlyOnce("no handler for events of type 'Mystery'");
				assertThat(output).containsOnlyOnce("skips links whose target event was deleted");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class StrictConfiguration {

		@Bean
		Strict strict() {
			return new Strict();
		}

	}

	static class Strict {

		final List<OrderPlaced> received = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "strict", stream = "${test.stream}", group = "strict", from = "start")
		void on(OrderPlaced order) {
			// A null payload would fail here with a NullPointerException.
			this.received.add(new OrderPlaced(order.orderId(), order.amount()));
		}

	}

	static class Lenient {

		final List<String> received = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "${test.stream}", stream = "${test.stream}", resolveLinks = true)
		void on(@Nullable OrderPlaced order) {
			this.received.add((order != null) ? order.orderId() : "null");
		}

	}

}
