package io.github.esdb.observability.tracing;

import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

import io.github.esdb.core.EventMetadataContributor;
import io.github.esdb.observability.observation.EventMetadataGetter;

/**
 * Writes the current span into appended events as {@code $traceId}/{@code $spanId}, the keys the official clients
 * write when they trace an append. A subscription handler's observation continues from them, so an append made with
 * Micrometer Tracing (Brave or the OpenTelemetry bridge) and the handlers it triggers form one trace.
 */
public class TraceMetadataContributor implements EventMetadataContributor {

	private final SingletonSupplier<Tracer> tracer;

	public TraceMetadataContributor(ObjectProvider<Tracer> tracer) {
		this.tracer = SingletonSupplier.of(tracer::getIfUnique);
	}

	@Override
	public void contribute(Map<String, Object> metadata) {
		Tracer tracer = this.tracer.get();
		Span span = (tracer != null) ? tracer.currentSpan() : null;
		if (span == null) {
			return;
		}
		TraceContext context = span.context();
		metadata.put(EventMetadataGetter.TRACE_ID, context.traceId());
		metadata.put(EventMetadataGetter.SPAN_ID, context.spanId());
	}

}
