package io.github.esdb.autoconfigure.subscription;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A wrongly declared {@code @EventSubscription} stops a Spring Boot application with a start-up report (description
 * and action), like a wrong connection string, instead of the stack trace of the bean creation that found it.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidSubscriptionFailureAnalyzerTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions();

	@Test
	void anApplicationWithABadSubscriptionReportsTheProblemAndTheFixWithoutAStackTrace(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(BadFromApplication.class)
			.web(WebApplicationType.NONE)
			.properties("esdb.connection-string=kurrentdb://127.0.0.1:1?tls=false", "spring.main.banner-mode=off");
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:")
			.contains("A KurrentDB subscription is declared wrongly.")
			.contains("Problem: bean 'badFromHandler' method 'on': bad from = \"yesterday\": 'yesterday' is not a "
					+ "start position")
			.contains("Action:")
			.contains("Use start, end, a stream revision such as 42, or an $all position such as C:1234/P:1234.")
			.doesNotContain("Application run failed")
			.doesNotContain("at io.github.esdb.subscription.annotation.EventSubscriptionAnnotationBeanPostProcessor");
	}

	@Test
	void describesTheProblemAndTheFixApart() {
		this.runner.withUserConfiguration(NoStream.class).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.endsWith("Problem: bean 'noStreamHandler' method 'on': @EventSubscription has no stream");
			assertThat(analysis.getAction()).isEqualTo("Set stream = \"<stream>\", or stream = \"$all\" for all "
					+ "events.");
		});
		this.runner.withUserConfiguration(TwoPayloads.class).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("bean 'twoPayloadsHandler' method 'on' has two payload "
					+ "parameters, 'first' (Payload) and 'second' (Payload)").doesNotContain("a handler takes");
			assertThat(analysis.getAction()).startsWith("A handler takes one payload");
		});
	}

	@Test
	void aMessageWithoutASeparateFixIsTheDescription() {
		FailureAnalysis analysis = new InvalidSubscriptionFailureAnalyzer()
			.analyze(new IllegalStateException(new InvalidSubscriptionException("something is off")));
		assertThat(analysis.getDescription()).endsWith("Problem: something is off");
		assertThat(analysis.getAction()).contains("Fix the @EventSubscription");
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new InvalidSubscriptionFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class,
			SubscriptionAutoConfiguration.class })
	static class BadFromApplication {

		@Bean
		Object badFromHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", from = "yesterday")
				void on(byte[] data) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoStream {

		@Bean
		Object noStreamHandler() {
			return new Object() {
				@EventSubscription
				void on(byte[] data) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloads {

		@Bean
		Object twoPayloadsHandler() {
			return new Object() {
				@EventSubscription(stream = "orders")
				void on(Payload first, Payload second) {
				}
			};
		}

	}

	record Payload(String value) {
	}

}
