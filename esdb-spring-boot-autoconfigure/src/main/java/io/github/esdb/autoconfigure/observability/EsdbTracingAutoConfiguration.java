package io.github.esdb.autoconfigure.observability;

import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.esdb.core.EsdbTemplate;
import io.github.esdb.observability.tracing.TraceMetadataContributor;

/**
 * Auto-configuration that records the current trace in events appended through {@link EsdbTemplate} when Micrometer
 * Tracing is on the classpath. The tracer is looked up lazily, so it works whichever tracing bridge defines it.
 */
@AutoConfiguration
@ConditionalOnClass({ Tracer.class, EsdbTemplate.class })
public class EsdbTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TraceMetadataContributor esdbTraceMetadataContributor(ObjectProvider<Tracer> tracer) {
		return new TraceMetadataContributor(tracer);
	}

}
