package io.github.esdb.benchmarks;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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
 * @param sections which groups of variants run (all by default): a run of some only, e.g. the long history alone
 * or the persistent variants under a profiler, takes minutes rather than most of an hour
 */
public record BenchmarkOptions(int events, int longEvents, int concurrentEvents, int persistentEvents, int appends,
		int liveEvents, int backlogMillis, int startupSubscriptions, int runs, boolean warmUp, int bufferSize,
		Set<Section> sections) {

	/** The defaults: 100k and 1M catch-up events, 20k per concurrent subscription, 3 runs with a warm-up. */
	public static final BenchmarkOptions DEFAULTS = new BenchmarkOptions(100_000, 1_000_000, 20_000, 50_000, 3_000,
			2_000, 3_000, 100, 3, true, 10, EnumSet.allOf(Section.class));

	/**
	 * Validate the options.
	 */
	public BenchmarkOptions {
		if (events < 1 || longEvents < 1 || concurrentEvents < 1 || persistentEvents < 1 || appends < 1
				|| liveEvents < 1 || backlogMillis < 1 || startupSubscriptions < 1 || runs < 1 || bufferSize < 1) {
			throw new IllegalArgumentException("Counts, durations, runs and buffer size must be positive");
		}
		if (sections.isEmpty()) {
			throw new IllegalArgumentException("At least one section must run");
		}
		sections = Set.copyOf(sections);
	}

	/**
	 * Whether a group of variants runs.
	 * @param section the group
	 * @return true if it was selected
	 */
	public boolean runs(Section section) {
		return this.sections.contains(section);
	}

	/** The groups of variants that {@code --only} selects, by their option name. */
	public enum Section {

		/** The catch-up variants on the {@code --events} stream. */
		CATCH_UP("catch-up"),

		/** The long-history variants on the {@code --long-events} stream. */
		LONG("long"),

		/** 1, 10 and 50 subscriptions at once. */
		CONCURRENT("concurrent"),

		/** The persistent variants. */
		PERSISTENT("persistent"),

		/** Sequential appends. */
		APPEND("append"),

		/** Live latency. */
		LIVE("live"),

		/** Start-up of many subscriptions. */
		STARTUP("startup"),

		/** Heap growth behind a slow handler. */
		BACKLOG("backlog");

		private final String option;

		Section(String option) {
			this.option = option;
		}

		static Section of(String option) {
			return Arrays.stream(values())
				.filter((section) -> section.option.equals(option.trim().toLowerCase(Locale.ROOT)))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("Unknown section '" + option + "' in --only. "
						+ usage()));
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
		Set<Section> sections = d.sections;
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
			if (name.equals("only")) {
				sections = Arrays.stream(arg.substring(equals + 1).split(","))
					.map(Section::of)
					.collect(Collectors.toCollection(() -> EnumSet.noneOf(Section.class)));
				continue;
			}
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
				values.get("buffer-size"), sections);
	}

	/**
	 * The command-line help.
	 * @return one line per option
	 */
	public static String usage() {
		return "Options: --events=100000 --long-events=1000000 --concurrent-events=20000 --persistent-events=50000 "
				+ "--appends=3000 --live-events=2000 --backlog-millis=3000 --startup-subscriptions=100 --runs=3 "
				+ "--buffer-size=10 --no-warm-up "
				+ "--only=catch-up,long,concurrent,persistent,append,live,startup,backlog (all when not given)";
	}

}
