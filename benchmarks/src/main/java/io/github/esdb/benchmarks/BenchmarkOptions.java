package io.github.esdb.benchmarks;

/**
 * What to run.
 *
 * @param events events in the catch-up stream, delivered to every catch-up variant
 * @param persistentEvents events in the persistent stream, delivered to every persistent variant
 * @param appends sequential single-event appends per append variant
 * @param runs measured runs per variant
 * @param warmUp whether to run every variant once with a tenth of the counts first
 * @param bufferSize the persistent consumers' buffer size, the same for the raw client and the starter
 */
public record BenchmarkOptions(int events, int persistentEvents, int appends, int runs, boolean warmUp,
		int bufferSize) {

	/** The defaults: 200,000 catch-up events, 50,000 persistent events, 5,000 appends, 3 runs, warm-up, buffer 10. */
	public static final BenchmarkOptions DEFAULTS = new BenchmarkOptions(200_000, 50_000, 5_000, 3, true, 10);

	/**
	 * Validate the options.
	 */
	public BenchmarkOptions {
		if (events < 1 || persistentEvents < 1 || appends < 1 || runs < 1 || bufferSize < 1) {
			throw new IllegalArgumentException("Counts, runs and buffer size must be positive: " + this);
		}
	}

	/**
	 * Read options from {@code --name=value} arguments; missing ones keep their {@link #DEFAULTS defaults}.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException for an unknown or malformed argument
	 */
	public static BenchmarkOptions parse(String... args) {
		BenchmarkOptions options = DEFAULTS;
		for (String arg : args) {
			if (arg.equals("--no-warm-up")) {
				options = new BenchmarkOptions(options.events, options.persistentEvents, options.appends, options.runs,
						false, options.bufferSize);
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Bad argument '" + arg + "'. " + usage());
			}
			String name = arg.substring(2, equals);
			int value;
			try {
				value = Integer.parseInt(arg.substring(equals + 1).replace("_", ""));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Not a number in '" + arg + "'. " + usage());
			}
			options = switch (name) {
				case "events" -> new BenchmarkOptions(value, options.persistentEvents, options.appends, options.runs,
						options.warmUp, options.bufferSize);
				case "persistent-events" -> new BenchmarkOptions(options.events, value, options.appends, options.runs,
						options.warmUp, options.bufferSize);
				case "appends" -> new BenchmarkOptions(options.events, options.persistentEvents, value, options.runs,
						options.warmUp, options.bufferSize);
				case "runs" -> new BenchmarkOptions(options.events, options.persistentEvents, options.appends, value,
						options.warmUp, options.bufferSize);
				case "buffer-size" -> new BenchmarkOptions(options.events, options.persistentEvents, options.appends,
						options.runs, options.warmUp, value);
				default -> throw new IllegalArgumentException("Unknown option '" + name + "'. " + usage());
			};
		}
		return options;
	}

	/**
	 * The command-line help.
	 * @return one line per option
	 */
	public static String usage() {
		return "Options: --events=200000 --persistent-events=50000 --appends=5000 --runs=3 --buffer-size=10 "
				+ "--no-warm-up";
	}

}
