package io.github.esdb.autoconfigure.observability;

import io.grpc.ClientInterceptor;
import io.kurrent.dbclient.KurrentDBClient;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.autoconfigure.EsdbClientSettingsCustomizer;
import io.github.esdb.observability.observation.EventHandlerObservationConvention;
import io.github.esdb.observability.observation.ObservationEventHandlerInterceptor;

/**
 * Auto-configuration of Micrometer observations: one around each subscription handler invocation (timer and span,
 * continuing the trace in the event's metadata), and Micrometer's gRPC client interceptor on the KurrentDB client
 * settings so that every client call is observed (and propagates the trace in its gRPC headers).
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ KurrentDBClient.class, ObservationRegistry.class })
@ConditionalOnBean(ObservationRegistry.class)
public class EsdbObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationEventHandlerInterceptor esdbObservationEventHandlerInterceptor(ObservationRegistry registry,
			ObjectProvider<EventHandlerObservationConvention> convention) {
		return new ObservationEventHandlerInterceptor(registry, convention.getIfAvailable());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationGrpcClientInterceptor.class, ClientInterceptor.class })
	static class GrpcClientObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "esdbObservationGrpcClientCustomizer")
		EsdbClientSettingsCustomizer esdbObservationGrpcClientCustomizer(ObservationRegistry registry) {
			return (builder) -> builder.addInterceptor(new ObservationGrpcClientInterceptor(registry));
		}

	}

}
