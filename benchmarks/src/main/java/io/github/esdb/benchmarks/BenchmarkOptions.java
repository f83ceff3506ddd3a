package io.github.esdb.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param warmUpRounds rounds run before the measured ones and not reported ({@code --warm-up-rounds}, 0 with
 * {@code --no-warm-up}): the first with a tenth of the counts, the others with the full counts, so that the JIT has
 * compiled the starter's paths before the first measured round
 * @param settleRounds at most how many more full-size warm-up rounds run, after {@code warmUpRounds}, while the JIT
 * is still compiling ({@code --settle-rounds}, see {@link WarmUp}; 0 with {@code --no-warm-up} or
 * {@code --warm-up-rounds=0}, since settling only extends a warm-up): on two cores, a hundred busy threads leave the
 * compiler threads little CPU, and a fixed warm-up left it compiling through the measured rounds
 * @param bufferSize the raw persistent consumer's buffer size (the client's default); the starter uses its own
 * default ({@code esdb.subscriptions.persistent.buffer-size})
 * @param sections which groups of variants run (all by default): a run of some only, e.g. the long history alone
 * or the persistent variants under a profiler, takes minutes rather than most of an hour
 * @param forks how many JVMs run the benchmark one after the other ({@code --forks}); 1 runs it in this JVM. The JIT
 * and the scheduler decide differently in each JVM, enough to move a ratio by a fifth, so figures from several JVMs
 * show how far one JVM's figures can be trusted
 * @param resultsFile where a fork writes its measured figures for the JVM that started it ({@code --results-file},
 * internal: the forking JVM passes it), {@code null} to write none
 * @param profileDir where each delivery variant of each measured round writes the CPU profile taken while it ran
 * ({@code --profile}, see {@link VariantProfiler}), {@code null} to profile nothing
 */
public record BenchmarkOptions(int events, int longEvents, int concurrentEvents, int persistentEvents, int appends,
		int liveEvents, int backlogMillis, int startupSubscriptions, int runs, int warmUpRounds, int settleRounds,
		int bufferSize, Set<Section> sections, int forks, Path resultsFile, Path profileDir) {

	/**
	 * The defaults: 100k and 1M catch-up events, 20k per concurrent subscription, 3 runs after a warm-up that lasts
	 * until the JIT settles (at most 8 more rounds), one JVM.
	 */
	public static final BenchmarkOptions DEFAULTS = new BenchmarkOptions(100_000, 1_000_000, 20_000, 50_000, 3_000,
			2_000, 3_000, 100, 3, 1, 8, 10, EnumSet.allOf(Section.class), 1, null, null);

	/**
	 * Validate the options.
	 */
	public BenchmarkOptions {
		if (events < 1 || longEvents < 1 || concurrentEvents < 1 || persistentEvents < 1 || appends < 1
				|| liveEvents < 1 || backlogMillis < 1 || startupSubscriptions < 1 || runs < 1 || bufferSize < 1) {
			throw new IllegalArgumentException("Counts, durations, runs and buffer size must be positive");
		}
		if (warmUpRounds < 0) {
			throw new IllegalArgumentException("--warm-up-rounds must be 0 (no warm-up) or more, not " + warmUpRounds);
		}
		if (settleRounds < 0) {
			throw new IllegalArgumentException("--settle-rounds must be 0 (a fixed warm-up) or more, not "
					+ settleRounds);
		}
		if (warmUpRounds == 0 && settleRounds > 0) {
			throw new IllegalArgumentException("--settle-rounds=" + settleRounds + " extends a warm-up, and "
					+ "--warm-up-rounds=0 runs none; give --warm-up-rounds=1 or more");
		}
		if (forks < 1) {
			throw new IllegalArgumentException("--forks must be 1 (no child JVM) or more, not " + forks);
		}
		if (forks > 1 && resultsFile != null) {
			// A fork never forks again: the forking JVM passes --results-file and leaves --forks out.
			throw new IllegalArgumentException("--results-file is for the forks themselves, not with --forks=" + forks);
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

	/** The internal option by which the forking JVM tells a fork where to write its figures. */
	static final String RESULTS_FILE = "results-file";

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
		values.put("warm-up-rounds", d.warmUpRounds);
		values.put("settle-rounds", d.settleRounds);
		values.put("forks", d.forks);
		Set<String> given = new HashSet<>();
		boolean noWarmUp = false;
		Set<Section> sections = d.sections;
		Path resultsFile = d.resultsFile;
		Path profileDir = d.profileDir;
		for (String arg : args) {
			if (arg.equals("--no-warm-up")) {
				noWarmUp = true;
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Bad argument '" + arg + "'. " + usage());
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			if (name.equals("only")) {
				sections = Arrays.stream(value.split(","))
					.map(Section::of)
					.collect(Collectors.toCollection(() -> EnumSet.noneOf(Section.class)));
				continue;
			}
			if (name.equals(RESULTS_FILE)) {
				if (value.isBlank()) {
					throw new IllegalArgumentException("No path in '" + arg + "'");
				}
				resultsFile = Path.of(value);
				continue;
			}
			if (name.equals("profile")) {
				if (value.isBlank()) {
					throw new IllegalArgumentException("No directory in '" + arg + "'");
				}
				profileDir = Path.of(value);
				continue;
			}
			if (!values.containsKey(name)) {
				throw new IllegalArgumentException("Unknown option '" + name + "'. " + usage());
			}
			try {
				values.put(name, Integer.parseInt(value.replace("_", "")));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Not a number in '" + arg + "'. " + usage());
			}
			given.add(name);
		}
		if (noWarmUp) {
			// Either order would otherwise silently win; the two say different things, so neither does.
			for (String option : List.of("warm-up-rounds", "settle-rounds")) {
				if (given.contains(option) && values.get(option) != 0) {
					throw new IllegalArgumentException("--no-warm-up contradicts --" + option + "="
							+ values.get(option) + "; give one of them");
				}
				values.put(option, 0);
			}
		}
		if (values.get("warm-up-rounds") == 0 && !given.contains("settle-rounds")) {
			// No warm-up at all: the default settling has nothing to extend.
			values.put("settle-rounds", 0);
		}
		return new BenchmarkOptions(values.get("events"), values.get("long-events"), values.get("concurrent-events"),
				values.get("persistent-events"), values.get("appends"), values.get("live-events"),
				values.get("backlog-millis"), values.get("startup-subscriptions"), values.get("runs"),
				values.get("warm-up-rounds"), values.get("settle-rounds"), values.get("buffer-size"), sections,
				values.get("forks"), resultsFile, profileDir);
	}

	/**
	 * The command-line help.
	 * @return one line per option
	 */
	public static String usage() {
		return "Options: --events=100000 --long-events=1000000 --concurrent-events=20000 --persistent-events=50000 "
				+ "--appends=3000 --live-events=2000 --backlog-millis=3000 --startup-subscriptions=100 --runs=3 "
				+ "--buffer-size=10 --warm-up-rounds=1 --settle-rounds=8 --no-warm-up (no warm-up round at all) "
				+ "--forks=1 --profile=<directory> (a CPU profile per delivery variant and round, async-profiler's "
				+ "jar on the class path) "
				+ "--only=catch-up,long,concurrent,persistent,append,live,startup,backlog (all when not given)";
	}

}
