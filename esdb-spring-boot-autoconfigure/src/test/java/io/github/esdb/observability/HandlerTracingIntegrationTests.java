package io.github.esdb.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.kurrent.dbclient.KurrentDBClient;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.core.EsdbOperations;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.StoredEvent;
import io.github.esdb.autoconfigure.observability.EsdbTracingAutoConfiguration;
import io.github.esdb.subscription.EventSubscription;

import static io.github.esdb.observability.ObservabilityTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace continuity with Spring Boot's Brave tracing: a handler runs in a consumer span that continues the trace the
 * writer recorded in the event's metadata ({@code $traceId}/{@code $spanId}), so an append and the handlers it
 * triggers form one trace.
 */
class HandlerTracingIntegrationTests {

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	@Test
	void theHandlerSpanContinuesTheTraceOfTheAppendAndIsCurrentInsideTheHandler() {
		String stream = ObservabilityTestSupport.unique("traced");
		esdb.runner()
			.withConfiguration(AutoConfigurations.of(MicrometerTracingAutoConfiguration.class,
					BraveAutoConfiguration.class))
			.withUserConfiguration(TracedConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "management.tracing.sampling.probability=1.0")
			.run((context) -> {
				Tracer tracer = context.getBean(Tracer.class);
				Spans spans = context.getBean(Spans.class);
				Handler handler = context.getBean(Handler.class);
				Span request = tracer.nextSpan().name("request").start();
				try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
					// What the official client writes when the append is traced.
					ObservabilityTestSupport.append(context.getBean(KurrentDBClient.class), stream,
							event("Deposited", Map.of("account", "a", "amount", 1),
									Map.of("$traceId", request.context().traceId(), "$spanId",
											request.context().spanId())));
				}
				finally {
					request.end();
				}
				esdb.append(stream, event("Deposited", Map.of("account", "b", "amount", 2)));
				await().atMost(Duration.ofSeconds(10)).until(() -> handler.seen.size() == 2
						&& spans.named("traced process").size() == 2);

				io.micrometer.tracing.TraceContext inside = handler.seen.get(0);
				assertThat(inside.traceId()).isEqualTo(request.context().traceId());
				assertThat(inside.parentId()).isEqualTo(request.context().spanId());
				MutableSpan consumer = spans.named("traced process").get(0);
				assertThat(consumer.traceId()).isEqualTo(request.context().traceId());
				assertThat(consumer.parentId()).isEqualTo(request.context().spanId());
				assertThat(consumer.id()).isEqualTo(inside.spanId());
				assertThat(consumer.kind()).isEqualTo(brave.Span.Kind.CONSUMER);
				assertThat(consumer.tags()).containsEntry("subscription", "traced")
					.containsEntry("kind", "catch-up")
					.containsEntry("outcome", "handled")
					.containsEntry("esdb.event.type", "Deposited")
					.containsEntry("esdb.stream", stream)
					.containsEntry("esdb.revision", "0");
				// The append itself went through the observed gRPC client. (The client makes the call on its own
				// thread, so that span does not join the caller's trace; the metadata carries the trace instead.)
				assertThat(spans.all).anySatisfy((span) -> {
					assertThat(span.kind()).isEqualTo(brave.Span.Kind.CLIENT);
					assertThat(span.name()).containsIgnoringCase("append");
				});

				// An event written without a trace starts a new one.
				io.micrometer.tracing.TraceContext untraced = handler.seen.get(1);
				assertThat(untraced.traceId()).isNotEqualTo(request.context().traceId());
				assertThat(spans.named("traced process").get(1).parentId()).isNull();
			});
	}

	@Test
	void anAppendThroughTheTemplateRecordsTheTraceThatTheHandlerContinues() {
		String stream = ObservabilityTestSupport.unique("template-traced");
		esdb.runner()
			.withConfiguration(AutoConfigurations.of(MicrometerTracingAutoConfiguration.class,
					BraveAutoConfiguration.class, EsdbTemplateAutoConfiguration.class,
					EsdbTracingAutoConfiguration.class))
			.withUserConfiguration(TracedConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "management.tracing.sampling.probability=1.0")
			.run((context) -> {
				Tracer tracer = context.getBean(Tracer.class);
				Handler handler = context.getBean(Handler.class);
				EsdbOperations template = context.getBean(EsdbOperations.class);
				Span request = tracer.nextSpan().name("request").start();
				try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
					template.append(stream, new Deposited("a", 1));
				}
				finally {
					request.end();
				}
				template.append(stream, new Deposited("b", 2));
				await().atMost(Duration.ofSeconds(20)).until(() -> handler.seen.size() == 2);

				StoredEvent<Deposited> written = template.readStream(stream, Deposited.class).get(0);
				assertThat(written.context().metadata()).containsEntry("$traceId", request.context().traceId())
					.containsEntry("$spanId", request.context().spanId());
				io.micrometer.tracing.TraceContext inside = handler.seen.get(0);
				assertThat(inside.traceId()).isEqualTo(request.context().traceId());
				assertThat(inside.parentId()).isEqualTo(request.context().spanId());
				// Outside any span the template writes no trace, and the handler starts a new one.
				assertThat(template.readStream(stream, Deposited.class).get(1).context().metadata())
					.doesNotContainKey("$traceId");
				assertThat(handler.seen.get(1).traceId()).isNotEqualTo(request.context().traceId());
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class TracedConfiguration {

		@Bean
		Spans spans() {
			return new Spans();
		}

		@Bean
		Handler handler(Tracer tracer) {
			return new Handler(tracer);
		}

	}

	static class Spans extends SpanHandler {

		final List<MutableSpan> all = new CopyOnWriteArrayList<>();

		@Override
		public boolean end(TraceContext context, MutableSpan span, Cause cause) {
			this.all.add(span);
			return true;
		}

		List<MutableSpan> named(String name) {
			return this.all.stream().filter((span) -> name.equals(span.name())).toList();
		}

	}

	static class Handler {

		final List<io.micrometer.tracing.TraceContext> seen = new CopyOnWriteArrayList<>();

		private final Tracer tracer;

		Handler(Tracer tracer) {
			this.tracer = tracer;
		}

		@EventSubscription(id = "traced", stream = "${test.stream}")
		void on(Deposited deposited) {
			Span current = this.tracer.currentSpan();
			this.seen.add((current != null) ? current.context() : null);
		}

	}

}
