package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.esdb.core.EsdbOperations;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionRegistry;

/**
 * One Spring Boot application context of the starter's side, connected to the benchmark's embedded server. It lives
 * for the whole run, as the raw client does: each round replays its subscriptions from the start through
 * {@link SubscriptionRegistry#reset}, as an application rebuilds a read model, and gives its persistent groups a new
 * start on the server. Its {@code bench.prefix} keeps its ids and groups apart from another context's.
 */
final class StarterApp implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final String prefix;

	final SubscriptionRegistry registry;

	final BenchmarkHandlers handlers;

	final EsdbOperations operations;

	final CheckpointStore checkpoints;

	private StarterApp(ConfigurableApplicationContext context, String prefix) {
		this.context = context;
		this.prefix = prefix;
		this.registry = context.getBean(SubscriptionRegistry.class);
		this.handlers = context.getBean(BenchmarkHandlers.class);
		this.operations = context.getBean(EsdbOperations.class);
		this.checkpoints = context.getBean(CheckpointStore.class);
	}

	/**
	 * Start a context.
	 * @param connectionString the embedded server's connection string
	 * @param prefix the prefix of subscription ids and group names, unique per context in the run
	 * @param catchUpStream the stream of the catch-up variants
	 * @param metadataStream the stream of the catch-up variants whose events carry metadata
	 * @param longStream the stream of the long-history variants
	 * @param persistentStream the stream of the persistent variants
	 * @param extra further properties (the variant's settings)
	 * @return the running context
	 */
	static StarterApp start(String connectionString, String prefix, String catchUpStream, String metadataStream,
			String longStream, String persistentStream, Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		// Pointing the starter at our server keeps it from starting an embedded server of its own.
		properties.put("esdb.connection-string", connectionString);
		// The module has spring-jdbc and a driver for the batch benchmark; these variants have no database.
		properties.put("spring.autoconfigure.exclude",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
		properties.put("bench.prefix", prefix);
		properties.put("bench.catch-up-stream", catchUpStream);
		properties.put("bench.metadata-stream", metadataStream);
		properties.put("bench.long-stream", longStream);
		properties.put("bench.persistent-stream", persistentStream);
		properties.putAll(extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
		return new StarterApp(context, prefix);
	}

	/**
	 * The full id of one of the {@link BenchmarkHandlers} subscriptions in this context.
	 * @param suffix the handler's id suffix
	 * @return the subscription id (also the persistent group name)
	 */
	String id(String suffix) {
		return this.prefix + "-" + suffix;
	}

	/**
	 * Replay a catch-up subscription from the first event: move it back to the start (not timed), then
	 * {@linkplain #deliver deliver}.
	 * @param suffix the handler's id suffix
	 * @param probe the handler's probe
	 * @param count how many events to wait for
	 * @param timeout how long to wait at most
	 * @return events per second from the start call until the last event was handled
	 * @throws InterruptedException if interrupted while waiting
	 */
	double replay(String suffix, Probe probe, long count, Duration timeout) throws InterruptedException {
		this.registry.reset(id(suffix), StartPosition.START);
		return deliver(suffix, probe, count, timeout);
	}

	/**
	 * Start a subscription and wait until its probe has counted the given number of events, then stop it.
	 * @param suffix the handler's id suffix
	 * @param probe the handler's probe
	 * @param count how many events to wait for
	 * @param timeout how long to wait at most
	 * @return events per second from the start call until the last event was handled
	 * @throws InterruptedException if interrupted while waiting
	 */
	double deliver(String suffix, Probe probe, long count, Duration timeout) throws InterruptedException {
		String id = id(suffix);
		probe.arm(count);
		long start = System.nanoTime();
		this.registry.start(id);
		try {
			probe.await(timeout, id);
			return StarterOverheadBenchmark.rate(count, start);
		}
		finally {
			// Not timed: a graceful stop commits the last checkpoint or lets the last acks flush.
			this.registry.stop(id, Duration.ofSeconds(10));
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
