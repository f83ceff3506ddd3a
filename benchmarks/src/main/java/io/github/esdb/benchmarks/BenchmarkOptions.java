package io.github.esdb.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to run.
 *
 * @param events events in the catch-up stream, delivered to every catch-up variant
 * @param longEvents events in the long catch-up stream (the "long history" measure)
 * @param concurrentEvents events in the stream that the concurrent subscriptions each read
 * @param persistentEvents events in the persistent stream, delivered to every persistent variant
 * @param appends sequential single-event appends per append variant
 * @param liveEvents events appended one at a time while a raw listener and a starter handler wait for them
 * @param backlogMillis how long a slow handler runs behind the long stream before the heap is measured
 * @param startupSubscriptions how many subscriptions the start-up measure starts at once
 * @param runs measured runs per variant
 * @param warmUp whether to run every variant once with a tenth of the counts first
 * @param bufferSize the raw persistent consumer's buffer size (the client's default); the starter uses its own
 * default ({@code esdb.subscriptions.persistent.buffer-size})
 */
public record BenchmarkOptions(int events, int longEvents, int concurrentEvents, int persistentEvents, int appends,
		int liveEvents, int backlogMillis, int startupSubscriptions, int runs, boolean warmUp, int bufferSize) {

	/** The defaults: 100k and 1M catch-up events, 20k per concurrent subscription, 3 runs with a warm-up. */
	public static final BenchmarkOptions DEFAULTS = new BenchmarkOptions(100_000, 1_000_000, 20_000, 50_000, 3_000,
			2_000, 3_000, 100, 3, true, 10);

	/**
	 * Validate the options.
	 */
	public BenchmarkOptions {
		if (events < 1 || longEvents < 1 || concurrentEvents < 1 || persistentEvents < 1 || appends < 1
				|| liveEvents < 1 || backlogMillis < 1 || startupSubscriptions < 1 || runs < 1 || bufferSize < 1) {
			throw new IllegalArgumentException("Counts, durations, runs and buffer size must be positive");
		}
	}

	/**
	 * Read options from {@code --name=value} arguments; missing ones keep their {@link #DEFAULTS defaults}.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException for an unknown or malformed argument
	 */
	public static BenchmarkOptions parse(String... args) {
		Map<String, Integer> values = new LinkedHashMap<>();
		BenchmarkOptions d = DEFAULTS;
		values.put("events", d.events);
		values.put("long-events", d.longEvents);
		values.put("concurrent-events", d.concurrentEvents);
		values.put("persistent-events", d.persistentEvents);
		values.put("appends", d.appends);
		values.put("live-events", d.liveEvents);
		values.put("backlog-millis", d.backlogMillis);
		values.put("startup-subscriptions", d.startupSubscriptions);
		values.put("runs", d.runs);
		values.put("buffer-size", d.bufferSize);
		boolean warmUp = d.warmUp;
		for (String arg : args) {
			if (arg.equals("--no-warm-up")) {
				warmUp = false;
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Bad argument '" + arg + "'. " + usage());
			}
			String name = arg.substring(2, equals);
			if (!values.containsKey(name)) {
				throw new IllegalArgumentException("Unknown option '" + name + "'. " + usage());
			}
			try {
				values.put(name, Integer.parseInt(arg.substring(equals + 1).replace("_", "")));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Not a number in '" + arg + "'. " + usage());
			}
		}
		return new BenchmarkOptions(values.get("events"), values.get("long-events"), values.get("concurrent-events"),
				values.get("persistent-events"), values.get("appends"), values.get("live-events"),
				values.get("backlog-millis"), values.get("startup-subscriptions"), values.get("runs"), warmUp,
				values.get("buffer-size"));
	}

	/**
	 * The command-line help.
	 * @return one line per option
	 */
	public static String usage() {
		return "Options: --events=100000 --long-events=1000000 --concurrent-events=20000 --persistent-events=50000 "
				+ "--appends=3000 --live-events=2000 --backlog-millis=3000 --startup-subscriptions=100 --runs=3 "
				+ "--buffer-size=10 --no-warm-up";
	}

}
