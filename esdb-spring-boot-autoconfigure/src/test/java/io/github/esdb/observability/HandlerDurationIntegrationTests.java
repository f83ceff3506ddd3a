package io.github.esdb.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionRegistry;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Handlers are timed for the observers only when one of them reads the duration: the starter's own (the monitor, the
 * metrics, the Spring events) do not, so that a default application reads no clock around its handlers, while the
 * handler timer still comes from the handler observation. A real context with Micrometer and the monitor, against the
 * embedded server over TCP.
 */
class HandlerDurationIntegrationTests {

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	@Test
	void everyObserverGetsHowLongTheHandlerTookWhenOneUsesIt() {
		String stream = ObservabilityTestSupport.unique("timed");
		esdb.append(stream, event("Deposited", Map.of("amount", 1)));
		esdb.runner().withUserConfiguration(TimingConfiguration.class).run((context) -> {
			DurationObserver timing = context.getBean("timing", DurationObserver.class);
			DurationObserver untimed = context.getBean("untimed", DurationObserver.class);
			context.getBean(SubscriptionRegistry.class).register(SubscriptionEndpoint.toStream("timed", stream)
				.handler((resolved, eventContext) -> Thread.sleep(30))
				.build());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> timing.durations.size() == 1 && untimed.durations.size() == 1);
			assertThat(timing.durations.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			assertThat(untimed.durations).isEqualTo(timing.durations);
		});
	}

	@Test
	void noClockIsReadForObserversThatDoNotUseItWhileTheHandlerTimerStillMeasures() {
		String stream = ObservabilityTestSupport.unique("untimed");
		esdb.append(stream, event("Deposited", Map.of("amount", 1)));
		esdb.runner().withUserConfiguration(UntimedConfiguration.class).run((context) -> {
			DurationObserver untimed = context.getBean("untimed", DurationObserver.class);
			context.getBean(SubscriptionRegistry.class).register(SubscriptionEndpoint.toStream("untimed", stream)
				.handler((resolved, eventContext) -> Thread.sleep(30))
				.build());
			await().atMost(Duration.ofSeconds(10)).until(() -> untimed.durations.size() == 1);
			// The monitor, the metrics and this observer do not read it: the containers did not time the handler.
			assertThat(untimed.durations).containsExactly(Duration.ZERO);
			Timer timer = context.getBean(MeterRegistry.class)
				.find("esdb.subscription.handler")
				.tags("subscription", "untimed", "outcome", "handled")
				.timer();
			assertThat(timer).isNotNull();
			assertThat(timer.count()).isEqualTo(1);
			assertThat(timer.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
		});
	}

	static class DurationObserver implements SubscriptionObserver {

		final List<Duration> durations = new CopyOnWriteArrayList<>();

		private final boolean usesDuration;

		DurationObserver(boolean usesDuration) {
			this.usesDuration = usesDuration;
		}

		@Override
		public boolean usesHandlerDuration() {
			return this.usesDuration;
		}

		@Override
		public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
			this.durations.add(duration);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UntimedConfiguration {

		@Bean
		DurationObserver untimed() {
			return new DurationObserver(false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(UntimedConfiguration.class)
	static class TimingConfiguration {

		@Bean
		DurationObserver timing() {
			return new DurationObserver(true);
		}

	}

}
