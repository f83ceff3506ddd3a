package io.github.esdb.autoconfigure.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.ResetHandler;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code reset} action of the {@code esdbsubscriptions} endpoint over HTTP: a whole application (every
 * auto-configuration on the classpath, Tomcat on a random port) subscribed to the embedded server over TCP.
 */
class SubscriptionResetEndpointWebIntegrationTests {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static final String STREAM = "orders-" + UUID.randomUUID().toString().substring(0, 8);

	private static EmbeddedEsdbServer server;

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void start() throws Exception {
		server = EmbeddedEsdbServer.builder().port(0).build().start();
		KurrentDBClient writer = KurrentDBClient
			.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
		try {
			List<EventData> events = new ArrayList<>();
			for (String name : List.of("a", "b", "c")) {
				events.add(EventData.builderAsJson("OrderNamed", ("{\"name\":\"" + name + "\"}").getBytes()).build());
			}
			writer.appendToStream(STREAM, events.iterator()).get(10, TimeUnit.SECONDS);
		}
		finally {
			writer.shutdown();
		}
		SpringApplication application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off", "spring.docker.compose.enabled=false",
					"management.endpoints.web.exposure.include=esdbsubscriptions",
					"esdb.connection-string=" + server.connectionString(), "esdb.subscriptions.shutdown-timeout=5s",
					"test.stream=" + STREAM)
			.build();
		context = application.run();
		port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		if (server != null) {
			server.close();
		}
	}

	@Test
	void resetToARevisionReplaysFromItAfterTheResetHandler() throws Exception {
		SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
		OrderNames names = context.getBean(OrderNames.class);
		awaitLiveAt(registry, Checkpoint.ofRevision(2));
		names.entries.clear();

		HttpResponse<String> response = post("{\"action\":\"reset\",\"to\":\"revision:1\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"id\":\"order-names\"");
		awaitLiveAt(registry, Checkpoint.ofRevision(2));
		assertThat(names.entries).containsExactly("reset to 1", "b", "c");
	}

	@Test
	void aTimeIsATarget() throws Exception {
		SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
		OrderNames names = context.getBean(OrderNames.class);
		awaitLiveAt(registry, Checkpoint.ofRevision(2));
		names.entries.clear();

		HttpResponse<String> response = post("{\"action\":\"reset\",\"to\":\"2000-01-01T00:00:00+01:00\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		awaitLiveAt(registry, Checkpoint.ofRevision(2));
		assertThat(names.entries).containsExactly("reset to 1999-12-31T23:00:00Z", "a", "b", "c");
	}

	@Test
	void aMissingOrUnfitTargetIsABadRequestAndChangesNothing() throws Exception {
		SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
		OrderNames names = context.getBean(OrderNames.class);
		awaitLiveAt(registry, Checkpoint.ofRevision(2));
		names.entries.clear();

		assertThat(post("{\"action\":\"reset\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"action\":\"reset\",\"to\":\"position:C:10/P:10\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"action\":\"reset\",\"to\":\"yesterday\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"action\":\"rewind\",\"to\":\"start\"}").statusCode()).isEqualTo(400);

		assertThat(names.entries).isEmpty();
		assertThat(registry.snapshot("order-names").get().state()).isEqualTo(SubscriptionState.LIVE);
	}

	private static void awaitLiveAt(SubscriptionRegistry registry, Checkpoint position) {
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			SubscriptionSnapshot snapshot = registry.snapshot("order-names").get();
			return position.equals(snapshot.position()) && snapshot.state() == SubscriptionState.LIVE;
		});
	}

	private static HttpResponse<String> post(String body) throws Exception {
		return http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/esdbsubscriptions/order-names"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A payload. */
	public record OrderNamed(String name) {

	}

	/** A projection whose entries show the reset handler ran before the replay. */
	static class OrderNames {

		final List<String> entries = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "order-names", stream = "${test.stream}")
		void on(OrderNamed event, EventContext context) {
			this.entries.add(event.name());
		}

		@ResetHandler
		void clear(StartPosition to) {
			this.entries.add("reset to " + to);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		OrderNames orderNames() {
			return new OrderNames();
		}

	}

}
