package io.github.esdb.subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.test.PerTestClassResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real embedded server over TCP, a client to write test data with, and an application context runner wired to it:
 * one per test class ({@link #perTestClass()}), or one started at once for a test
 * ({@code try (EmbeddedServerSupport own = new EmbeddedServerSupport())}).
 */
final class EmbeddedServerSupport extends PerTestClassResource {

	private static final JsonMapper json = new JsonMapper();

	EmbeddedEsdbServer server;

	KurrentDBClient client;

	/** A server started at once, for one test. */
	EmbeddedServerSupport() {
		start();
	}

	private EmbeddedServerSupport(Void notStarted) {
	}

	/**
	 * A server for the test class that registers it as an extension: no class sees another's streams, resets or
	 * stops.
	 * @return the extension, not started yet
	 */
	static EmbeddedServerSupport perTestClass() {
		return new EmbeddedServerSupport(null);
	}

	@Override
	protected void start() {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
	}

	ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + this.server.connectionString(),
					"esdb.subscriptions.resubscribe.initial-interval=100ms",
					"esdb.subscriptions.resubscribe.max-interval=1s",
					"esdb.subscriptions.catch-up.retry.initial-interval=20ms",
					"esdb.subscriptions.catch-up.retry.max-interval=50ms",
					"esdb.subscriptions.shutdown-timeout=5s");
	}

	static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static EventData event(Object payload) {
		String type = payload.getClass().getSimpleName();
		return EventData.builderAsJson(type, json.writeValueAsBytes(payload)).build();
	}

	void append(String stream, Object... payloads) {
		List<EventData> events = new ArrayList<>();
		for (Object payload : payloads) {
			events.add((payload instanceof EventData data) ? data : event(payload));
		}
		try {
			this.client.appendToStream(stream, events.iterator()).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	List<ResolvedEvent> read(String stream) {
		try {
			ReadResult result = this.client.readStream(stream, ReadStreamOptions.get().fromStart())
				.get(10, TimeUnit.SECONDS);
			return result.getEvents();
		}
		catch (java.util.concurrent.ExecutionException ex) {
			if (ex.getCause() instanceof StreamNotFoundException) {
				return List.of();
			}
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A client of the persistent subscription groups, on this server.
	 * @return the client
	 */
	KurrentDBPersistentSubscriptionsClient persistentSubscriptions() {
		return KurrentDBPersistentSubscriptionsClient.from(this.client);
	}

	/**
	 * The settings and statistics of a persistent subscription group on a stream, as the server reports them.
	 * @param stream the stream
	 * @param group the group
	 * @return the group's info, empty when there is no such group
	 */
	Optional<PersistentSubscriptionToStreamInfo> groupInfo(String stream, String group) {
		try {
			return persistentSubscriptions().getInfoToStream(stream, group).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The info of a persistent subscription group that must exist.
	 * @param stream the stream
	 * @param group the group
	 * @return the group's info
	 */
	PersistentSubscriptionToStreamInfo existingGroup(String stream, String group) {
		Optional<PersistentSubscriptionToStreamInfo> info = groupInfo(stream, group);
		assertThat(info).as("group %s on %s", group, stream).isPresent();
		return info.get();
	}

	/**
	 * For an await: whether the group exists and its info meets the condition. A group the container is still creating
	 * reads as not yet, where {@link #existingGroup} would fail the await at once.
	 * @param stream the stream
	 * @param group the group
	 * @param condition what the info must show
	 * @return true once the group exists and meets it
	 */
	boolean groupShows(String stream, String group, Predicate<PersistentSubscriptionToStreamInfo> condition) {
		return groupInfo(stream, group).map(condition::test).orElse(false);
	}

	static Duration wait(int seconds) {
		return Duration.ofSeconds(seconds);
	}

	@Override
	public void close() {
		this.client.shutdown();
		this.server.close();
	}

}
