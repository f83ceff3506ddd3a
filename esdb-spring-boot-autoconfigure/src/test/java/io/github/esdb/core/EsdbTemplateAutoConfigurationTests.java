package io.github.esdb.core;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;

class EsdbTemplateAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class,
				EsdbTemplateAutoConfiguration.class))
		// The client connects lazily, so no server is needed to build the context.
		.withPropertyValues("esdb.connection-string=kurrentdb://127.0.0.1:1?tls=false");

	@Test
	void providesTheTemplateAndItsTranslator() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(EsdbTemplate.class)
			.hasSingleBean(EsdbOperations.class)
			.hasSingleBean(EsdbExceptionTranslator.class));
	}

	@Test
	void backsOffForTheApplicationsOwnOperations() {
		this.runner.withUserConfiguration(OwnTemplate.class)
			.run((context) -> assertThat(context).hasSingleBean(EsdbOperations.class)
				.hasBean("myTemplate")
				.doesNotHaveBean("esdbTemplate"));
	}

	@Test
	void needsTheClientAndTheSerializer() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EsdbTemplateAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EsdbTemplate.class));
	}

	@Test
	void usesTheApplicationsExceptionTranslator() {
		EsdbExceptionTranslator custom = new EsdbExceptionTranslator();
		this.runner.withBean(EsdbExceptionTranslator.class, () -> custom)
			.run((context) -> assertThat(context).getBean(EsdbExceptionTranslator.class).isSameAs(custom));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTemplate {

		@Bean
		EsdbTemplate myTemplate(KurrentDBClientProvider clients, EventSerializer serializer, EventTypeRegistry types) {
			return new EsdbTemplate(clients, serializer, types, null);
		}

	}

}
