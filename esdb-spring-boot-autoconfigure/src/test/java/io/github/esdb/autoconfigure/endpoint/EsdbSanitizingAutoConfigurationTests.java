package io.github.esdb.autoconfigure.endpoint;

import io.github.esdb.autoconfigure.EsdbProperties;
import io.github.esdb.autoconfigure.embedded.EmbeddedEsdbProperties;
import io.github.esdb.test.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code show-values=always}, the {@code env} and {@code configprops} endpoints show the host of
 * {@code esdb.connection-string} but not its credentials, and never {@code esdb.password} or the passwords of
 * {@code esdb.embedded.users}. The endpoints are the real ones, built by Spring Boot's auto-configurations.
 */
class EsdbSanitizingAutoConfigurationTests {

	private static final JsonMapper json = new JsonMapper();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbSanitizingAutoConfiguration.class,
				EnvironmentEndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class))
		.withUserConfiguration(PropertiesConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
				"app.visible=shown-in-clear");

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void envAndConfigpropsShowTheHostButNoPassword(Secret secret) {
		this.runner
			.withPropertyValues(
					"esdb.connection-string=kurrentdb://admin:" + secret.password() + "@db.example.com:2113?tls=false",
					"esdb.username=ops", "esdb.password=" + secret.password(),
					"esdb.embedded.users=admin:" + secret.password())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				String all = json.writeValueAsString(env.environment(null));
				String entry = json.writeValueAsString(env.environmentEntry("esdb.connection-string"));
				String configprops = json
					.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
						.configurationProperties());
				// Values are really shown: the test would pass vacuously if everything were masked.
				assertThat(all).contains("shown-in-clear").contains("\"ops\"");
				assertThat(configprops).contains("\"ops\"");
				for (String shown : new String[] { all, entry, configprops }) {
					assertThat(shown).contains("kurrentdb://******@db.example.com:2113?tls=false");
				}
				assertThat(all).contains("admin:******");
				assertThat(configprops).contains("admin:******");
				secret.assertAbsentFrom("/actuator/env", all);
				secret.assertAbsentFrom("/actuator/env/esdb.connection-string", entry);
				secret.assertAbsentFrom("/actuator/configprops", configprops);
			});
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void relaxedNamesAreMaskedToo(Secret secret) {
		EsdbSanitizingFunction function = new EsdbSanitizingFunction();
		String connectionString = "kurrentdb://admin:" + secret.password() + "@db:2113";
		for (String key : new String[] { "ESDB_CONNECTIONSTRING", "ESDB_CONNECTION_STRING", "esdb.connectionString",
				"esdb.connection-string" }) {
			assertThat(function.apply(new SanitizableData(null, key, connectionString)).getValue())
				.isEqualTo("kurrentdb://******@db:2113");
		}
		for (String key : new String[] { "ESDB_PASSWORD", "esdb.password" }) {
			assertThat(function.apply(new SanitizableData(null, key, secret.password())).getValue())
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
		}
		for (String key : new String[] { "esdb.embedded.users[0]", "ESDB_EMBEDDED_USERS", "esdb.embedded.users" }) {
			assertThat(function.apply(new SanitizableData(null, key, "admin:" + secret.password())).getValue())
				.isEqualTo("admin:******");
		}
		assertThat(function.apply(new SanitizableData(null, "esdb.hosts[0]", "admin:" + secret.password() + "@db:2113"))
			.getValue()).isEqualTo("******@db:2113");
	}

	@Test
	void leavesEverythingElseAlone() {
		EsdbSanitizingFunction function = new EsdbSanitizingFunction();
		SanitizableData plain = new SanitizableData(null, "esdb.connection-string", "kurrentdb://db:2113?tls=false");
		assertThat(function.apply(plain).getValue()).isEqualTo("kurrentdb://db:2113?tls=false");
		SanitizableData other = new SanitizableData(null, "app.connection-string", "kurrentdb://a:b@db:2113");
		assertThat(function.apply(other).getValue()).isEqualTo("kurrentdb://a:b@db:2113");
		SanitizableData username = new SanitizableData(null, "esdb.username", "ops");
		assertThat(function.apply(username).getValue()).isEqualTo("ops");
	}

	@Test
	void otherSanitizingFunctionsStillApply() {
		this.runner.withBean("appSanitizer", SanitizingFunction.class,
				() -> (data) -> data.getKey().equals("app.visible") ? data.withSanitizedValue() : data)
			.withPropertyValues("esdb.password=Gecko-Tapir")
			.run((context) -> {
				assertThat(context).hasSingleBean(EsdbSanitizingFunction.class);
				String all = json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
				assertThat(all).doesNotContain("shown-in-clear").doesNotContain("Gecko-Tapir");
			});
	}

	@Test
	void backsOffFromABeanOfTheSameName() {
		this.runner.withBean("esdbSanitizingFunction", SanitizingFunction.class, () -> (data) -> data)
			.run((context) -> assertThat(context).doesNotHaveBean(EsdbSanitizingFunction.class));
	}

	@Test
	void needsTheActuator() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EsdbSanitizingAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("esdbSanitizingFunction"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ EsdbProperties.class, EmbeddedEsdbProperties.class })
	static class PropertiesConfiguration {

	}

}
