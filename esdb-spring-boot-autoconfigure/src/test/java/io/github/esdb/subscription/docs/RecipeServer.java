package io.github.esdb.subscription.docs;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.test.PerTestClassResource;
import io.github.esdb.test.PostgresDatabase;

/**
 * The embedded server a recipe test class writes its orders to, and the application the recipes of
 * docs/subscriptions.md run in: the client, subscription and JDBC auto-configurations on the test class's PostgreSQL
 * schema. The recipe's own properties and beans stay in each test, as written in the docs.
 */
final class RecipeServer extends PerTestClassResource {

	private static final JsonMapper json = new JsonMapper();

	private EmbeddedEsdbServer server;

	private KurrentDBClient client;

	@Override
	protected void start() {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
	}

	/**
	 * Appends the orders, as another application would.
	 * @param stream the stream
	 * @param orders the events
	 * @throws Exception when the append fails or times out
	 */
	void append(String stream, DocumentationExamples.OrderPlaced... orders) throws Exception {
		List<EventData> events = Arrays.stream(orders)
			.map((event) -> EventData.builderAsJson("OrderPlaced", json.writeValueAsBytes(event)).build())
			.toList();
		this.client.appendToStream(stream, events.iterator()).get(10, TimeUnit.SECONDS);
	}

	/**
	 * The application of a recipe, subscribed to the stream given as {@code orders.stream}.
	 * @param postgres the test class's database
	 * @param stream the stream of orders
	 * @return the runner
	 */
	ApplicationContextRunner application(PostgresDatabase postgres, String stream) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class))
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.connection-string=" + this.server.connectionString(), "orders.stream=" + stream);
	}

	@Override
	public void close() {
		this.client.shutdown();
		this.server.close();
	}

}
