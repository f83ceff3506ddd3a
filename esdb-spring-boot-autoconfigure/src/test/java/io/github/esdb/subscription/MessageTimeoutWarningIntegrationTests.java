package io.github.esdb.subscription;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A persistent consumer whose handlers are too slow for its buffer is reported once: the last event of a full buffer
 * would wait past the group's message timeout, which the server counts from sending it, and be delivered again. The
 * timeout is the declared one when the subscription creates the group, and the server's when the group exists.
 */
@ExtendWith(OutputCaptureExtension.class)
class MessageTimeoutWarningIntegrationTests {

	private static final String WARNING = "Subscription 'paced' had an event wait about";

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void handlersTooSlowForTheBufferAreReportedOnceWithTheDeclaredTimeout(CapturedOutput output) {
		String stream = EmbeddedServerSupport.unique("paced");
		// 8 events at once, 400 ms each, 4 out at a time: an event waits for the 3 before it and itself, 1.6 s, more
		// than half of the 2 s timeout.
		run(stream, 400, "2s", 0, output, () -> {
			assertThat(output).contains(WARNING)
				.contains("of group 'paced''s message timeout of 2000 ms: its handler takes 4")
				.contains("ms on average (with retry back-offs)")
				.contains("up to buffer-size 4 events wait for it")
				.contains("esdb.subscriptions.persistent.buffer-size");
			assertThat(output.getAll().split(WARNING, -1)).as("warnings").hasSize(2);
		});
	}

	@ParameterizedTest(name = "auto-create={0}")
	@ValueSource(booleans = { true, false })
	void theTimeoutOfAGroupThatExistsIsTheServers(boolean autoCreate, CapturedOutput output) throws Exception {
		String stream = EmbeddedServerSupport.unique("paced");
		// Created by someone else, with a timeout the application does not declare: with auto-create on the
		// subscription finds it existing, with auto-create off it only subscribes, and the timeout applies either way.
		esdb.persistentSubscriptions()
			.createToStream(stream, "paced",
					CreatePersistentSubscriptionToStreamOptions.get().fromStart().messageTimeout(Duration.ofSeconds(2)))
			.get(5, TimeUnit.SECONDS);
		run(stream, 400, "", 0, output,
				() -> assertThat(output).contains(WARNING).contains("message timeout of 2000 ms"),
				"esdb.subscriptions.persistent.auto-create=" + autoCreate);
	}

	@Test
	void aHandlerTooSlowOnItsOwnIsNotBlamedOnTheBuffer(CapturedOutput output) {
		String stream = EmbeddedServerSupport.unique("paced");
		// One event whose handler alone takes 1.2 s of the 2 s timeout: no other event waits, so a smaller buffer
		// would change nothing, and the warning must not send the operator there.
		esdb.runner()
			.withUserConfiguration(PacedConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.timeout=2s", "test.handler-millis=1200")
			.run((context) -> {
				esdb.append(stream, new OrderPlaced("o-0", 0));
				// The warning follows the handler's return: wait for it rather than for the handler.
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(output).contains(WARNING));
				assertThat(output).contains("a smaller buffer cannot help: raise the group's messageTimeout or make the handler faster")
					.doesNotContain("Lower esdb.subscriptions.persistent.buffer-size");
			});
	}

	@Test
	void handlersWellWithinTheTimeoutAreNotReported(CapturedOutput output) {
		String stream = EmbeddedServerSupport.unique("paced");
		// 4 events of 100 ms: 0.4 s, a fifth of the timeout.
		run(stream, 100, "2s", 0, output, () -> assertThat(output).doesNotContain(WARNING));
	}

	@Test
	void aSlowHandlerOnATrickleOfEventsIsNotReportedForTimeNoEventWaited(CapturedOutput output) {
		String stream = EmbeddedServerSupport.unique("paced");
		// 400 ms handlers, but each event comes after the last one was handled: none waits for another, though the
		// handlers of any 4 of them add up to 1.6 s.
		run(stream, 400, "2s", 700, output, () -> assertThat(output).doesNotContain(WARNING));
	}

	@Test
	void retryBackOffsThatKeepEventsWaitingAreReported(CapturedOutput output) {
		String stream = EmbeddedServerSupport.unique("retried");
		// Each event fails once: the consumer sleeps the 500 ms back-off before its retry nack while the others wait
		// in the buffer, so the third of a full buffer waits about 1.5 s and the fourth about 2 s, half and two thirds
		// of the 3 s timeout (a third below it, so that the server does not time events out on a loaded machine). The
		// handler itself is quick: only the back-offs keep the events waiting.
		esdb.runner()
			.withUserConfiguration(RetriedConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.persistent.retry.initial-interval=500ms")
			.run((context) -> {
				for (int i = 0; i < 8; i++) {
					esdb.append(stream, new OrderPlaced("o-" + i, i));
				}
				Set<String> handled = context.getBean(Retried.class).handled;
				await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 8);
				assertThat(output).contains("Subscription 'retried' had an event wait about")
					.contains("of group 'retried''s message timeout of 3000 ms");
			});
	}

	private void run(String stream, int handlerMillis, String timeout, int appendEveryMillis, CapturedOutput output,
			Runnable then, String... properties) {
		esdb.runner()
			.withUserConfiguration(PacedConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.timeout=" + timeout,
					"test.handler-millis=" + handlerMillis)
			.withPropertyValues(properties)
			.run((context) -> {
				for (int i = 0; i < 8; i++) {
					esdb.append(stream, new OrderPlaced("o-" + i, i));
					Thread.sleep(appendEveryMillis);
				}
				AtomicInteger handled = context.getBean(Paced.class).handled;
				await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() >= 8);
				then.run();
			});
	}

	static class Paced {

		final AtomicInteger handled = new AtomicInteger();

		private final long millis;

		Paced(long millis) {
			this.millis = millis;
		}

		@EventSubscription(id = "paced", stream = "${test.stream}", group = "paced", from = "start",
				messageTimeout = "${test.timeout}", bufferSize = 4)
		void on(OrderPlaced order) throws InterruptedException {
			Thread.sleep(this.millis);
			this.handled.incrementAndGet();
		}

	}

	static class Retried {

		final Set<String> failed = ConcurrentHashMap.newKeySet();

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		@EventSubscription(id = "retried", stream = "${test.stream}", group = "retried", from = "start",
				messageTimeout = "3s", bufferSize = 4)
		void on(OrderPlaced order) {
			if (this.failed.add(order.orderId())) {
				throw new IllegalStateException("fails once: " + order.orderId());
			}
			this.handled.add(order.orderId());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetriedConfiguration {

		@Bean
		Retried retried() {
			return new Retried();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PacedConfiguration {

		@Bean
		Paced paced(@Value("${test.handler-millis}") long millis) {
			return new Paced(millis);
		}

	}

}
