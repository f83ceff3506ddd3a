package io.github.esdb.autoconfigure.endpoint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.esdb.test.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole application (every auto-configuration on the classpath, Tomcat on a random port) with the {@code env} and
 * {@code configprops} endpoints exposed and {@code show-values=always}: over HTTP, the connection string's host shows
 * and no password does, neither the one inside the connection string (percent-encoded, as it must be there) nor
 * {@code esdb.password} nor those of {@code esdb.embedded.users} (every special character, raw).
 */
@ExtendWith(OutputCaptureExtension.class)
class ActuatorSecretsWebIntegrationTests {

	private static final Secret IN_CONNECTION_STRING = Secret.ALL.stream()
		.filter((secret) -> secret.name().equals("percent-encoded"))
		.findFirst()
		.orElseThrow();

	private static final Secret IN_PROPERTIES = Secret.ALL.stream()
		.filter((secret) -> secret.name().equals("all of them"))
		.findFirst()
		.orElseThrow();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void start() {
		SpringApplication application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off", "spring.docker.compose.enabled=false",
					"management.endpoints.web.exposure.include=env,configprops",
					"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
					"esdb.connection-string=kurrentdb://admin:" + IN_CONNECTION_STRING.password()
							+ "@127.0.0.1:1?tls=false",
					"esdb.username=ops", "esdb.password=" + IN_PROPERTIES.password(),
					"esdb.embedded.users=admin:" + IN_PROPERTIES.password(), "esdb.max-discover-attempts=1",
					"esdb.shutdown-timeout=1s", "esdb.subscriptions.enabled=false")
			.build();
		context = application.run();
		port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void envShowsTheHostButNoPassword() throws Exception {
		String body = get("/actuator/env");
		assertThat(body).contains("kurrentdb://******@127.0.0.1:1?tls=false").contains("admin:******");
		assertThat(body).contains("\"esdb.username\"").contains("\"ops\"");
		assertAbsent(body);
	}

	@Test
	void envEntryShowsTheHostButNoPassword() throws Exception {
		String body = get("/actuator/env/esdb.connection-string");
		assertThat(body).contains("kurrentdb://******@127.0.0.1:1?tls=false");
		assertAbsent(body);
		assertAbsent(get("/actuator/env/esdb.password"));
	}

	@Test
	void configpropsShowTheHostButNoPassword() throws Exception {
		for (String path : new String[] { "/actuator/configprops", "/actuator/configprops/esdb" }) {
			String body = get(path);
			// The embedded server's properties are not bound here (a connection string is set): env covers its users.
			assertThat(body).contains("kurrentdb://******@127.0.0.1:1?tls=false").contains("\"ops\"");
			assertAbsent(body);
		}
	}

	@Test
	void theLogShowsNoPassword(CapturedOutput output) throws Exception {
		get("/actuator/env");
		assertAbsent(output.getAll());
	}

	private static void assertAbsent(String text) {
		IN_CONNECTION_STRING.assertAbsentFrom("response", text);
		IN_PROPERTIES.assertAbsentFrom("response", text);
	}

	private static String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
