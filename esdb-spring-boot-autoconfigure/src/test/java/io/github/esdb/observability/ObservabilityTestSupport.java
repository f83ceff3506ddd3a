package io.github.esdb.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.endpoint.SubscriptionsEndpointAutoConfiguration;
import io.github.esdb.autoconfigure.health.SubscriptionHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.metrics.SubscriptionMetricsAutoConfiguration;
import io.github.esdb.autoconfigure.observability.EsdbObservationAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.autoconfigure.observability.SubscriptionMonitorAutoConfiguration;
import io.github.esdb.test.PerTestClassResource;

/**
 * A real embedded server over TCP, a separate client to write test data with (as another application would), and an
 * application context runner with the client, subscription, Micrometer and observability auto-configurations: one
 * per test class ({@link #perTestClass()}), or one started at once for a test.
 */
public final class ObservabilityTestSupport extends PerTestClassResource {

	private static final JsonMapper json = new JsonMapper();

	public EmbeddedEsdbServer server;

	public KurrentDBClient writer;

	/** A server started at once, for one test. */
	public ObservabilityTestSupport() {
		start();
	}

	private ObservabilityTestSupport(Void notStarted) {
	}

	/**
	 * A server for the test class that registers it as an extension (no class sees another's streams or outages).
	 * @return the extension, not started yet
	 */
	public static ObservabilityTestSupport perTestClass() {
		return new ObservabilityTestSupport(null);
	}

	@Override
	protected void start() {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.writer = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
	}

	public ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class,
					ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					SubscriptionMonitorAutoConfiguration.class, SubscriptionHealthContributorAutoConfiguration.class,
					SubscriptionMetricsAutoConfiguration.class, EsdbObservationAutoConfiguration.class,
					SubscriptionsEndpointAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + this.server.connectionString(),
					"esdb.subscriptions.checkpoint.store=memory",
					"esdb.subscriptions.resubscribe.initial-interval=100ms",
					"esdb.subscriptions.resubscribe.max-interval=300ms",
					"esdb.subscriptions.catch-up.retry.initial-interval=10ms",
					"esdb.subscriptions.catch-up.retry.max-interval=20ms", "esdb.subscriptions.shutdown-timeout=3s",
					"esdb.subscriptions.observability.lag-poll-interval=100ms",
					"management.endpoints.web.exposure.include=*");
	}

	public static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	public static EventData event(String type, Map<String, ?> data) {
		return EventData.builderAsJson(type, json.writeValueAsBytes(data)).build();
	}

	public static EventData event(String type, Map<String, ?> data, Map<String, ?> metadata) {
		return EventData.builderAsJson(type, json.writeValueAsBytes(data))
			.metadataAsBytes(json.writeValueAsBytes(metadata))
			.build();
	}

	public void append(String stream, EventData... events) {
		append(this.writer, stream, events);
	}

	public static void append(KurrentDBClient client, String stream, EventData... events) {
		try {
			client.appendToStream(stream, List.of(events).iterator()).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The value of a gauge or counter for one subscription, NaN if there is no such meter. */
	public static double value(MeterRegistry registry, String name, String subscription, String... tags) {
		Search search = registry.find(name).tag("subscription", subscription).tags(tags);
		if (search.counter() != null) {
			return search.counter().count();
		}
		if (search.functionCounter() != null) {
			return search.functionCounter().count();
		}
		if (search.gauge() != null) {
			return search.gauge().value();
		}
		return Double.NaN;
	}

	public static List<String> names(MeterRegistry registry, String prefix) {
		List<String> names = new ArrayList<>();
		registry.getMeters().forEach((meter) -> {
			if (meter.getId().getName().startsWith(prefix)) {
				names.add(meter.getId().getName());
			}
		});
		return names;
	}

	@Override
	public void close() {
		this.writer.shutdown();
		this.server.close();
	}

}
