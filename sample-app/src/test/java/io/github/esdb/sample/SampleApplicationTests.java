package io.github.esdb.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.github.esdb.boot.test.AutoConfigureEmbeddedEsdb;
import io.github.esdb.boot.test.SubscriptionAwaiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drives the sample over HTTP, on a fresh embedded server: accounts, the balances read model, a parked withdrawal,
 * the metrics, the health and the subscriptions endpoint. Writes that read their own writes answer with the read
 * model; for the asynchronous withdrawals the test waits with {@link SubscriptionAwaiter} instead of polling.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "esdb.subscriptions.observability.lag-poll-interval=200ms",
				"esdb.subscriptions.observability.persistent-stats-poll-interval=200ms",
				// Generous on a busy build machine: a late read model would answer 202 instead.
				"sample.read-your-writes-timeout=30s" })
@AutoConfigureEmbeddedEsdb
class SampleApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@Autowired
	private SubscriptionAwaiter subscriptions;

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private JsonNode getJson(String path) throws Exception {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private double metric(String name, String... tags) throws Exception {
		StringBuilder path = new StringBuilder("/actuator/metrics/" + name);
		for (int i = 0; i < tags.length; i++) {
			path.append((i == 0) ? "?" : "&").append("tag=").append(tags[i]);
		}
		HttpResponse<String> response = get(path.toString());
		if (response.statusCode() == 404) {
			return Double.NaN;
		}
		return this.json.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
	}

	@Test
	void accountsReadModelParkedWithdrawalMetricsHealthAndEndpoint() throws Exception {
		HttpResponse<String> opened = post("/accounts", "{\"owner\":\"Ada\"}");
		assertThat(opened.statusCode()).isEqualTo(201);
		String id = this.json.readTree(opened.body()).get("accountId").asString();
		// Read-your-writes: the account is in the read model as soon as the POST answered.
		assertThat(getJson("/accounts/" + id).get("owner").asString()).isEqualTo("Ada");
		HttpResponse<String> deposited = post("/accounts/" + id + "/deposits", "{\"amount\":100}");
		assertThat(deposited.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(deposited.body()).get("balance").asLong()).isEqualTo(100);
		assertThat(post("/accounts/" + id + "/withdrawals", "{\"amount\":30}").statusCode()).isEqualTo(202);
		assertThat(post("/accounts/" + id + "/withdrawals", "{\"amount\":5000}").statusCode()).isEqualTo(202);

		// The persistent subscription pays out the first withdrawal (an event the read model then handles) and
		// parks the second: wait for all of it, then read.
		this.subscriptions.awaitCaughtUp();
		JsonNode account = getJson("/accounts/" + id);
		assertThat(account.get("owner").asString()).isEqualTo("Ada");
		assertThat(account.get("balance").asLong()).isEqualTo(70);
		assertThat(metric("esdb.subscription.events", "subscription:withdrawals", "outcome:nacked", "action:park"))
			.isEqualTo(1);
		// The server's parked count comes from statistics polled in the background.
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(metric("esdb.persistent.parked", "subscription:withdrawals")).isEqualTo(1));
		assertThat(metric("esdb.subscription.events", "subscription:withdrawals", "outcome:handled")).isEqualTo(1);
		assertThat(metric("esdb.subscription.events", "subscription:account-balances", "outcome:handled"))
			.isGreaterThanOrEqualTo(3);
		assertThat(metric("esdb.subscription.handler", "subscription:account-balances")).isGreaterThanOrEqualTo(3);
		assertThat(getJson("/accounts/" + id).get("balance").asLong()).isEqualTo(70);

		JsonNode health = getJson("/actuator/health");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").get("esdb").get("details").get("embedded").asBoolean()).isTrue();
		JsonNode subscriptions = health.get("components").get("esdbSubscriptions").get("components");
		assertThat(subscriptions.get("account-balances").get("status").asString()).isEqualTo("UP");
		assertThat(subscriptions.get("withdrawals").get("details").get("group").asString()).isEqualTo("withdrawals");
		assertThat(getJson("/actuator/health/readiness").get("status").asString()).isEqualTo("UP");

		JsonNode endpoint = getJson("/actuator/esdbsubscriptions");
		assertThat(endpoint.get("subscriptions")).hasSize(2);
		JsonNode balances = getJson("/actuator/esdbsubscriptions/account-balances");
		assertThat(balances.get("state").asString()).isEqualTo("LIVE");
		assertThat(balances.get("kind").asString()).isEqualTo("CATCH_UP");
		HttpResponse<String> stopped = post("/actuator/esdbsubscriptions/account-balances", "{\"action\":\"stop\"}");
		assertThat(stopped.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(stopped.body()).get("state").asString()).isEqualTo("STOPPED");
		assertThat(post("/actuator/esdbsubscriptions/account-balances", "{\"action\":\"start\"}").statusCode())
			.isEqualTo(200);
		await().atMost(WAIT)
			.until(() -> "LIVE".equals(getJson("/actuator/esdbsubscriptions/account-balances").get("state")
				.asString()));
		assertThat(post("/actuator/esdbsubscriptions/account-balances", "{\"action\":\"pause\"}").statusCode())
			.isEqualTo(400);
		assertThat(get("/actuator/esdbsubscriptions/nope").statusCode()).isEqualTo(404);
	}

}
