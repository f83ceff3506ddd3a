package io.github.esdb.benchmarks;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Samples the CPU with async-profiler while each delivery variant of a measured round runs, and writes what it saw to
 * a file of its own ({@code <variant>-r<round>-<pid>.txt}, async-profiler's collapsed stacks). Two variants of the
 * same JVM and round can then be compared frame by frame, and the starter's own cost per event read from the samples
 * rather than from rates that the load of a shared machine moves by a fifth.
 * <p>
 * Each profile is split into the {@link Split consumer's share}: the samples in frames of this project called by the
 * official client on a delivery thread (the raw listeners here, or the starter's delivery path with the handler),
 * with and without Jackson below them. The raw listener with Jackson and the starter's record handler make the same
 * {@code readValue}, so the difference of their consumer samples outside Jackson is what the starter adds per event.
 * The figures are printed per variant and round, and their medians at the end of the run.
 * <p>
 * async-profiler's Java API must be on the class path: its jar from Maven Central carries the native library of its
 * platform and loads it itself. It is found by reflection, so that the benchmark needs it only when asked to profile.
 */
final class VariantProfiler {

	/** The sampling interval: fine enough for a few hundred samples in a variant of 100,000 events. */
	static final long INTERVAL_MICROS = 500;

	private static final String API = "one.profiler.AsyncProfiler";

	private final Path directory;

	private final Object profiler;

	private final Method execute;

	private final Map<Variant, List<Split>> splits = new EnumMap<>(Variant.class);

	private VariantProfiler(Path directory, Object profiler, Method execute) {
		this.directory = directory;
		this.profiler = profiler;
		this.execute = execute;
	}

	/**
	 * The profiler writing to a directory.
	 * @param directory where the profiles go; created if missing
	 * @return the profiler
	 * @throws IllegalStateException if async-profiler's Java API is not on the class path or does not load
	 */
	static VariantProfiler to(Path directory) {
		Object profiler;
		Method execute;
		try {
			Class<?> api = Class.forName(API);
			profiler = api.getMethod("getInstance").invoke(null);
			execute = api.getMethod("execute", String.class);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("--profile needs async-profiler's jar on the class path, for example: "
					+ "./mvnw -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 and add "
					+ "~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1-linux-x64.jar to -cp", ex);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			throw new IllegalStateException("async-profiler did not load on this platform: " + ex, ex);
		}
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot create the profile directory " + directory, ex);
		}
		return new VariantProfiler(directory, profiler, execute);
	}

	/**
	 * Start sampling, before a variant runs. Each stack starts with its thread's name ({@code threads}), so that a
	 * profile also tells which thread the rest of the process spent its time on: the client's executor, which runs
	 * the consumer and decodes the messages, the transport, the embedded server, the JIT and the collector.
	 */
	void start() {
		execute("start,event=cpu,threads,interval=" + INTERVAL_MICROS + "us");
	}

	/**
	 * Stop sampling after a variant ran, write its profile and split it.
	 * @param variant the variant
	 * @param round the measured round
	 * @param events how many events it delivered
	 * @return the split, for the progress line
	 */
	Split stop(Variant variant, int round, long events) {
		Path file = this.directory
			.resolve(variant.name() + "-r" + round + "-" + ProcessHandle.current().pid() + ".txt");
		execute("stop,collapsed,file=" + file);
		try {
			Split split = Split.of(Files.readAllLines(file), events);
			this.splits.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(split);
			return split;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the profile " + file, ex);
		}
	}

	/**
	 * Print each profiled variant's median figures over its rounds.
	 * @param out where the lines go
	 */
	void printMedians(Consumer<String> out) {
		out.accept("profiles in " + this.directory + " (" + INTERVAL_MICROS
				+ " µs samples); medians over the rounds, µs of CPU per event:");
		this.splits.forEach((variant, rounds) -> out.accept(String.format("  %-95s consumer %.3f, outside Jackson "
				+ "%.3f; whole process %.2f", variant.measure().label() + ": " + variant.label(),
				median(rounds, Split::consumerMicros),
				median(rounds, Split::outsideJacksonMicros), median(rounds, Split::processMicros))));
	}

	private static double median(List<Split> rounds, java.util.function.ToDoubleFunction<Split> figure) {
		double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	private void execute(String command) {
		try {
			this.execute.invoke(this.profiler, command);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("async-profiler refused '" + command + "': " + ex.getCause(), ex);
		}
	}

	/**
	 * One variant's profile, in µs of CPU per delivered event.
	 *
	 * @param processMicros all samples of the process (server, transport, collector and JIT included)
	 * @param consumerMicros samples in this project's frames below the official client's: what the consumer of the
	 * events (a raw listener, or the starter's delivery path and the handler) cost
	 * @param outsideJacksonMicros the consumer's samples without a Jackson frame below its first frame
	 */
	record Split(double processMicros, double consumerMicros, double outsideJacksonMicros) {

		private static final String OWN = "io/github/esdb/";

		private static final String CLIENT = "io/kurrent/dbclient/";

		/**
		 * Split collapsed stacks ({@code frame;frame;...;frame count} per line, the root first).
		 * @param lines the profile
		 * @param events the events the variant delivered
		 * @return the split
		 */
		static Split of(List<String> lines, long events) {
			long process = 0;
			long consumer = 0;
			long outsideJackson = 0;
			for (String line : lines) {
				int space = line.lastIndexOf(' ');
				if (space < 0) {
					continue;
				}
				long samples = Long.parseLong(line.substring(space + 1).trim());
				process += samples;
				String[] frames = line.substring(0, space).split(";");
				int first = firstConsumerFrame(frames);
				if (first < 0) {
					continue;
				}
				consumer += samples;
				if (!hasJacksonFrom(frames, first)) {
					outsideJackson += samples;
				}
			}
			double micros = INTERVAL_MICROS / (double) Math.max(1, events);
			return new Split(process * micros, consumer * micros, outsideJackson * micros);
		}

		/**
		 * The first of this project's frames that the official client called: where a listener or the starter's
		 * delivery path begins. The embedded server's frames and the starter's own threads (its calls into the
		 * client) do not count: no client frame is above them.
		 */
		private static int firstConsumerFrame(String[] frames) {
			boolean belowClient = false;
			for (int i = 0; i < frames.length; i++) {
				if (frames[i].startsWith(CLIENT)) {
					belowClient = true;
				}
				else if (belowClient && frames[i].startsWith(OWN)) {
					return i;
				}
			}
			return -1;
		}

		private static boolean hasJacksonFrom(String[] frames, int from) {
			for (int i = from; i < frames.length; i++) {
				if (frames[i].startsWith("tools/jackson/") || frames[i].startsWith("com/fasterxml/jackson/")) {
					return true;
				}
			}
			return false;
		}

	}

}
