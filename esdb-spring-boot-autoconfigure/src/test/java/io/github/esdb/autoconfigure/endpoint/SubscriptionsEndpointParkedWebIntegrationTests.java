package io.github.esdb.autoconfigure.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint's parked-event actions over HTTP, in a whole application (Tomcat on a random port) against the
 * embedded server: list (as a write action and as a read), replay and purge; an unknown action answers 400 naming
 * the valid ones.
 */
class SubscriptionsEndpointParkedWebIntegrationTests {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static final JsonMapper json = new JsonMapper();

	private static final String STREAM = ObservabilityTestSupport.unique("orders");

	private static EmbeddedEsdbServer server;

	private static ConfigurableApplicationContext context;

	private static int port;

	private static KurrentDBClient writer;

	@BeforeAll
	static void start() {
		server = EmbeddedEsdbServer.builder().port(0).build().start();
		writer = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
		context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off", "spring.docker.compose.enabled=false",
					"spring.web.error.include-message=always",
					"management.endpoints.web.exposure.include=esdbsubscriptions",
					"esdb.connection-string=" + server.connectionString(), "test.stream=" + STREAM)
			.run();
		port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		if (writer != null) {
			writer.shutdown();
		}
		if (server != null) {
			server.close();
		}
	}

	@Test
	void parkedEventsAreListedReplayedAndPurgedThroughTheEndpoint() throws Exception {
		SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
		Refusing handler = context.getBean(Refusing.class);
		ObservabilityTestSupport.append(writer, STREAM, ObservabilityTestSupport.event("OrderPlaced", Map.of("orderId", "bad-1", "amount", 1)),
				ObservabilityTestSupport.event("OrderPlaced", Map.of("orderId", "bad-2", "amount", 2)),
				ObservabilityTestSupport.event("OrderPlaced", Map.of("orderId", "good", "amount", 3)));
		await().atMost(Duration.ofSeconds(20)).until(() -> registry.parkedCount("refusing") == 2);

		HttpResponse<String> listed = post("refusing", "{\"action\": \"parked\", \"offset\": 1, \"limit\": 5}");
		assertThat(listed.statusCode()).isEqualTo(200);
		JsonNode page = json.readTree(listed.body());
		assertThat(page.get("count").asLong()).isEqualTo(2);
		assertThat(page.get("parked")).hasSize(1);
		assertThat(page.get("parked").get(0).get("stream").asString()).isEqualTo(STREAM);
		assertThat(page.get("parked").get(0).get("revision").asLong()).isEqualTo(1);
		assertThat(page.get("parked").get(0).get("reason").asString()).isEqualTo("no bad-2");

		HttpResponse<String> read = get("/actuator/esdbsubscriptions/refusing/parked?limit=1");
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(json.readTree(read.body()).get("parked").get(0).get("revision").asLong()).isZero();

		handler.refuse.set(false);
		HttpResponse<String> replayed = post("refusing", "{\"action\": \"replay-parked\", \"max\": 1}");
		assertThat(replayed.statusCode()).isEqualTo(200);
		assertThat(json.readTree(replayed.body()).get("events").asLong()).isEqualTo(1);
		assertThat(json.readTree(replayed.body()).get("remaining").asLong()).isEqualTo(1);
		assertThat(handler.handled).containsExactly("good", "bad-1");

		HttpResponse<String> purged = post("refusing", "{\"action\": \"purge-parked\"}");
		assertThat(purged.statusCode()).isEqualTo(200);
		assertThat(json.readTree(purged.body()).get("events").asLong()).isEqualTo(1);
		assertThat(registry.parkedCount("refusing")).isZero();
		assertThat(handler.handled).containsExactly("good", "bad-1");
	}

	@Test
	void anUnknownActionAnswers400NamingTheValidOnes() throws Exception {
		HttpResponse<String> response = post("refusing", "{\"action\": \"pause\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body())
			.contains("Unknown action 'pause'; use one of start, stop, restart, reset, parked, replay-parked, purge-parked");
		assertThat(get("/actuator/esdbsubscriptions/refusing/nothing").statusCode()).isEqualTo(400);
	}

	private static HttpResponse<String> post(String id, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/esdbsubscriptions/"
				+ id))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	record OrderPlaced(String orderId, int amount) {
	}

	static class Refusing {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicBoolean refuse = new AtomicBoolean(true);

		@EventSubscription(id = "refusing", stream = "${test.stream}")
		void on(OrderPlaced order) {
			if (order.orderId().startsWith("bad") && this.refuse.get()) {
				throw NackException.park("no " + order.orderId());
			}
			this.handled.add(order.orderId());
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		Refusing refusing() {
			return new Refusing();
		}

	}

}
