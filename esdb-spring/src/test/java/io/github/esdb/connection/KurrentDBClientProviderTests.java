package io.github.esdb.connection;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.kurrent.dbclient.ConnectionShutdownException;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link KurrentDBClientProvider} with the official client talking over TCP to the embedded server.
 */
class KurrentDBClientProviderTests {

	private static final String PASSWORD = "pr0vider-s3cret";

	private final List<KurrentDBClientProvider> providers = new ArrayList<>();

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private EmbeddedEsdbServer server;

	@BeforeEach
	void start() {
		this.server = EmbeddedEsdbServer.builder().port(0).build().start();
		this.log.start();
		providerLogger().addAppender(this.log);
	}

	@AfterEach
	void stop() {
		providerLogger().detachAppender(this.log);
		this.providers.forEach((provider) -> provider.shutdown(Duration.ofSeconds(5)));
		this.server.close();
	}

	@Test
	void replacesAClientThatHasShutDownWithAWorkingOne() throws Exception {
		KurrentDBClientProvider provider = provider(this.server.connectionString());
		String stream = stream();
		KurrentDBClient first = provider.client();
		KurrentDBPersistentSubscriptionsClient firstPersistent = provider.persistentSubscriptions();
		KurrentDBProjectionManagementClient firstProjections = provider.projections();
		append(first, stream, "Before");
		first.shutdown().get(10, TimeUnit.SECONDS);
		// One connection: the other two clients went down with it.
		assertThat(firstPersistent.isShutdown()).isTrue();
		assertThat(firstProjections.isShutdown()).isTrue();

		KurrentDBClient second = provider.client();
		assertThat(second).isNotSameAs(first);
		append(second, stream, "After");
		assertThat(types(second, stream)).containsExactly("Before", "After");
		assertThat(provider.replacements()).isEqualTo(1);
		// The replacements of the other two share the new connection and work.
		KurrentDBPersistentSubscriptionsClient persistent = provider.persistentSubscriptions();
		assertThat(persistent).isNotSameAs(firstPersistent);
		persistent.createToStream(stream, "group").get(10, TimeUnit.SECONDS);
		assertThat(persistent.getInfoToStream(stream, "group").get(10, TimeUnit.SECONDS)).isPresent();
		assertThat(provider.projections()).isNotSameAs(firstProjections)
			.satisfies((projections) -> assertThat(projections.isShutdown()).isFalse());
		// A live client is kept.
		assertThat(provider.client()).isSameAs(second);
		assertThat(provider.replacements()).isEqualTo(1);
	}

	@Test
	void replacesAClientThatGaveUpWhileTheServerWasDown() throws Exception {
		KurrentDBClientProvider provider = provider(
				this.server.connectionString() + "&maxDiscoverAttempts=1&discoveryInterval=100");
		String stream = stream();
		KurrentDBClient first = provider.client();
		append(first, stream, "Before");
		this.server.stop();
		// Calls the first client itself, so that the provider makes no replacement while the server is away. An
		// append, not a read: a failed append is what makes the client discover the node again, and give up.
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			try {
				append(first, stream, "During");
			}
			catch (Exception ex) {
				// Expected: the server is down.
			}
			return first.isShutdown();
		});
		this.server.start();
		append(provider.client(), stream, "After");
		assertThat(types(provider.client(), stream)).containsExactly("Before", "After");
		assertThat(provider.replacements()).isEqualTo(1);
		// One line that says why, without a stack trace.
		assertThat(this.log.list).singleElement().satisfies((event) -> {
			assertThat(event.getFormattedMessage()).contains("last failure: UNAVAILABLE");
			assertThat(event.getThrowableProxy()).isNull();
		});
	}

	@Test
	void logsOneWarningPerReplacementWithoutTheConnectionString() throws Exception {
		this.server.close();
		this.server = EmbeddedEsdbServer.builder().port(0).user("admin", PASSWORD).build().start();
		String connectionString = this.server.connectionString("admin", PASSWORD);
		KurrentDBClientProvider provider = provider(connectionString);
		String stream = stream();
		for (int i = 0; i < 2; i++) {
			provider.client().shutdown().get(10, TimeUnit.SECONDS);
			// The replacement authenticates: the credentials came along in the settings.
			append(provider.client(), stream, "Replaced" + i);
		}
		assertThat(provider.replacements()).isEqualTo(2);
		List<ILoggingEvent> warnings = this.log.list.stream()
			.filter((event) -> event.getLevel() == Level.WARN)
			.toList();
		assertThat(warnings).hasSize(2)
			.allSatisfy((event) -> assertThat(event.getFormattedMessage()).contains("esdb.max-discover-attempts"));
		assertThat(this.log.list).allSatisfy((event) -> assertThat(text(event)).doesNotContain(PASSWORD)
			.doesNotContain(connectionString)
			.doesNotContain("admin"));
	}

	@Test
	void concurrentCallersShareOneReplacement() throws Exception {
		KurrentDBClientProvider provider = provider(this.server.connectionString());
		provider.client().shutdown().get(10, TimeUnit.SECONDS);
		int callers = 8;
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<KurrentDBClient>> futures = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				futures.add(pool.submit(() -> {
					go.await();
					return provider.client();
				}));
			}
			go.countDown();
			Set<KurrentDBClient> clients = Collections.newSetFromMap(new IdentityHashMap<>());
			for (Future<KurrentDBClient> future : futures) {
				clients.add(future.get(10, TimeUnit.SECONDS));
			}
			assertThat(clients).hasSize(1);
			assertThat(provider.replacements()).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void neverReplacesASuppliedClient() throws Exception {
		KurrentDBClient supplied = KurrentDBClient
			.create(KurrentDBConnectionString.parseOrThrow(this.server.connectionString()));
		KurrentDBClientProvider provider = KurrentDBClientProvider.of(supplied);
		String stream = stream();
		append(provider.client(), stream, "Before");
		supplied.shutdown().get(10, TimeUnit.SECONDS);
		assertThat(provider.client()).isSameAs(supplied);
		assertThat(provider.persistentSubscriptions().isShutdown()).isTrue();
		assertThat(provider.projections().isShutdown()).isTrue();
		assertThatThrownBy(() -> append(provider.client(), stream, "After"))
			.hasCauseInstanceOf(ConnectionShutdownException.class);
		assertThat(provider.replacements()).isZero();
		assertThat(this.log.list).isEmpty();
	}

	@Test
	void makesNoReplacementAfterItsShutdown() throws Exception {
		KurrentDBClientProvider provider = provider(this.server.connectionString());
		String stream = stream();
		KurrentDBClient first = provider.client();
		append(first, stream, "Before");
		provider.shutdown(Duration.ofSeconds(5));
		assertThat(first.isShutdown()).isTrue();
		assertThat(provider.client()).isSameAs(first);
		assertThat(provider.persistentSubscriptions().isShutdown()).isTrue();
		assertThatThrownBy(() -> append(provider.client(), stream, "After"))
			.hasCauseInstanceOf(ConnectionShutdownException.class);
		// Twice does no harm.
		provider.shutdown(Duration.ofSeconds(5));
		assertThat(provider.client()).isSameAs(first);
		assertThat(provider.replacements()).isZero();
	}

	@Test
	void shutdownWaitsNoLongerThanItsTimeout() throws Exception {
		// Accepts connections and never answers: the client's connection loop hangs in the handshake.
		try (ServerSocket silent = new ServerSocket(0)) {
			KurrentDBClientProvider provider = new KurrentDBClientProvider(KurrentDBConnectionString
				.parseOrThrow("kurrentdb://127.0.0.1:" + silent.getLocalPort() + "?tls=false&gossipTimeout=30000"));
			provider.client().getServerVersion();
			long started = System.nanoTime();
			provider.shutdown(Duration.ofMillis(300));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			assertThat(this.log.list).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage())
					.contains("did not close its connection within PT0.3S"));
		}
	}

	private KurrentDBClientProvider provider(String connectionString) {
		KurrentDBClientProvider provider = new KurrentDBClientProvider(
				KurrentDBConnectionString.parseOrThrow(connectionString));
		this.providers.add(provider);
		return provider;
	}

	private static String stream() {
		return "provider-" + UUID.randomUUID();
	}

	private static void append(KurrentDBClient client, String stream, String type) throws Exception {
		EventData event = EventData.builderAsJson(type, "{}".getBytes(StandardCharsets.UTF_8)).build();
		client.appendToStream(stream, event).get(10, TimeUnit.SECONDS);
	}

	private static List<String> types(KurrentDBClient client, String stream) throws Exception {
		List<ResolvedEvent> events = client.readStream(stream, ReadStreamOptions.get().fromStart())
			.get(10, TimeUnit.SECONDS)
			.getEvents();
		return events.stream().map((event) -> event.getOriginalEvent().getEventType()).toList();
	}

	private static String text(ILoggingEvent event) {
		return event.getFormattedMessage()
				+ ((event.getThrowableProxy() != null) ? ThrowableProxyUtil.asString(event.getThrowableProxy()) : "");
	}

	private static Logger providerLogger() {
		return (Logger) LoggerFactory.getLogger(KurrentDBClientProvider.class);
	}

}
