package io.github.esdb.autoconfigure.endpoint;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Registers {@link EsdbSanitizingFunction}, which keeps KurrentDB credentials out of the {@code env} and
 * {@code configprops} endpoints when the actuator is on the classpath. It runs after the application's own
 * sanitizing functions, so one of them that masks a value whole still wins; a bean named
 * {@code esdbSanitizingFunction} replaces it.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class EsdbSanitizingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "esdbSanitizingFunction")
	@Order(Ordered.LOWEST_PRECEDENCE)
	EsdbSanitizingFunction esdbSanitizingFunction() {
		return new EsdbSanitizingFunction();
	}

}
