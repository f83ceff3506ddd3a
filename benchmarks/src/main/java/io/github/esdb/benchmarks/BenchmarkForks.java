package io.github.esdb.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs {@link StarterOverheadBenchmark} in child JVMs, JMH-style ({@code --forks=N}): the JIT and the scheduler decide
 * differently in each JVM, enough to move a ratio from 0.8 to 1.0 with the same code, so figures from several JVMs
 * show how much one JVM's figures say. The forks run one after the other, never at once: on a two-core machine they
 * would measure each other. Each fork is started with this JVM's java executable, JVM arguments (heap, {@code -D}
 * properties, GC flags) and class path, and the same program arguments without {@code --forks}; its output goes
 * through to this JVM's, each line prefixed with {@code [fork k/N]}, and it writes its figures to a file
 * ({@code --results-file}, {@link BenchmarkReport#writeTsv(Path)}) that this JVM reads back. This JVM only waits
 * meanwhile.
 * <p>
 * Two kinds of JVM argument are changed on the way, because this JVM and its forks would clash over them: a debugger
 * agent ({@code -agentlib:jdwp}, {@code -Xrunjdwp}, {@code -Xdebug}) is left out, as its port is this JVM's already
 * (debug with {@code --forks=1}); a flight recording's {@code filename=...jfr} gets {@code -fork-k} before the
 * {@code .jfr}, so that each fork keeps a recording of its own rather than each overwriting the last. Other agents
 * are passed as they are: give them file names of their own per process (async-profiler's {@code %p}, for example).
 */
public final class BenchmarkForks {

	/** The file name of a flight recording, without its {@code .jfr}, up to the next option or the end. */
	private static final Pattern RECORDING_FILE = Pattern.compile("(filename=[^,]*)\\.jfr(?=,|$)");

	private BenchmarkForks() {
	}

	/**
	 * Run the benchmark in {@link BenchmarkOptions#forks()} child JVMs, one after the other.
	 * @param options the options, for the number of forks
	 * @param args the program arguments they were parsed from, passed to each fork without {@code --forks}
	 * @param out where the forks' output goes, each line prefixed with {@code [fork k/N]}
	 * @return each fork's figures, in the order they ran
	 * @throws IOException if a fork cannot be started or its figures cannot be read
	 * @throws InterruptedException if interrupted while a fork runs (the fork is then ended)
	 * @throws IllegalStateException if a fork exits with another code than 0 or writes no figures: the run fails
	 * rather than leaving a fork out of the figures
	 */
	public static List<BenchmarkReport> run(BenchmarkOptions options, List<String> args, PrintStream out)
			throws IOException, InterruptedException {
		List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
		List<BenchmarkReport> reports = new ArrayList<>();
		for (int fork = 1; fork <= options.forks(); fork++) {
			reports.add(runFork(new Fork(fork, options.forks()), java, jvmArguments, args, out));
		}
		return reports;
	}

	private static BenchmarkReport runFork(Fork fork, String java, List<String> jvmArguments, List<String> args,
			PrintStream out) throws IOException, InterruptedException {
		Path results = Files.createTempFile("starter-overhead-fork-" + fork.number() + "-", ".tsv");
		try {
			String classPath = System.getProperty("java.class.path");
			List<String> command = command(fork, java, jvmArguments, classPath, args, results);
			out.println("[bench] " + fork + ": " + String.join(" ", command.stream()
				.map((argument) -> argument.equals(classPath) ? "<this JVM's class path>" : argument)
				.toList()));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			// Ended with this JVM (Ctrl-C, kill): a fork left running would load the machine for minutes.
			Thread cleanUp = new Thread(process::destroyForcibly, "benchmark-fork-clean-up");
			Runtime.getRuntime().addShutdownHook(cleanUp);
			try (InputStream output = process.getInputStream()) {
				output.transferTo(new LinePrefixing(out, fork.prefix()));
				int exit = process.waitFor();
				if (exit != 0) {
					throw new IllegalStateException(fork + " failed: it exited with code " + exit
							+ "; its output is above, each line starting with '" + fork.prefix().trim() + "'");
				}
			}
			finally {
				process.destroyForcibly();
				try {
					Runtime.getRuntime().removeShutdownHook(cleanUp);
				}
				catch (IllegalStateException ex) {
					// This JVM is shutting down: the hook runs anyway, and the fork is ended already.
				}
			}
			if (Files.size(results) == 0) {
				throw new IllegalStateException(fork + " exited with code 0 but wrote no figures to " + results);
			}
			return BenchmarkReport.readTsv(results);
		}
		finally {
			Files.deleteIfExists(results);
		}
	}

	/**
	 * The command line of a fork.
	 * @param fork which fork
	 * @param java the java executable
	 * @param jvmArguments this JVM's arguments
	 * @param classPath this JVM's class path
	 * @param args this JVM's program arguments
	 * @param results where the fork writes its figures
	 * @return the command
	 */
	static List<String> command(Fork fork, String java, List<String> jvmArguments, String classPath, List<String> args,
			Path results) {
		List<String> command = new ArrayList<>();
		command.add(java);
		for (String argument : jvmArguments) {
			String forked = forkArgument(fork, argument);
			if (forked != null) {
				command.add(forked);
			}
		}
		command.add("-cp");
		command.add(classPath);
		command.add(StarterOverheadBenchmark.class.getName());
		for (String arg : args) {
			// A fork must not fork again; a results file of this JVM's own (never given with --forks) is not its.
			if (!arg.startsWith("--forks=") && !arg.startsWith("--" + BenchmarkOptions.RESULTS_FILE + "=")) {
				command.add(arg);
			}
		}
		command.add("--" + BenchmarkOptions.RESULTS_FILE + "=" + results);
		return command;
	}

	/** A JVM argument of this JVM as the fork gets it, {@code null} to leave it out (see the class comment). */
	private static String forkArgument(Fork fork, String argument) {
		if (argument.startsWith("-agentlib:jdwp") || argument.startsWith("-Xrunjdwp") || argument.equals("-Xdebug")) {
			return null;
		}
		if (argument.startsWith("-Djava.class.path=")) {
			// The class path is passed with -cp.
			return null;
		}
		if (argument.startsWith("-XX:StartFlightRecording")) {
			return RECORDING_FILE.matcher(argument).replaceFirst("$1-fork-" + fork.number() + ".jfr");
		}
		return argument;
	}

	/**
	 * Each fork's table, then the ratios of all of them side by side ({@link BenchmarkReport#acrossForks(List)}).
	 * @param forks each fork's figures, in the order they ran
	 * @return the Markdown
	 */
	public static String toMarkdown(List<BenchmarkReport> forks) {
		StringBuilder markdown = new StringBuilder();
		for (int i = 0; i < forks.size(); i++) {
			markdown.append(new Fork(i + 1, forks.size())).append(":\n\n").append(forks.get(i).toMarkdown())
				.append('\n');
		}
		markdown.append("Across the ").append(forks.size()).append(" forks:\n\n")
			.append(BenchmarkReport.acrossForks(forks));
		return markdown.toString();
	}

	/**
	 * One of the forks.
	 *
	 * @param number from 1
	 * @param of how many there are
	 */
	record Fork(int number, int of) {

		/**
		 * What starts each line of the fork's output.
		 * @return {@code [fork k/N] }
		 */
		String prefix() {
			return "[fork " + this.number + "/" + this.of + "] ";
		}

		@Override
		public String toString() {
			return "Fork " + this.number + "/" + this.of;
		}

	}

	/**
	 * Writes a prefix before every line. Bytes pass as they are: the fork encodes its output as this JVM would
	 * (same arguments, same environment), so nothing is decoded and encoded again; the prefix is ASCII.
	 */
	private static final class LinePrefixing extends OutputStream {

		private final PrintStream out;

		private final byte[] prefix;

		private boolean lineStart = true;

		LinePrefixing(PrintStream out, String prefix) {
			this.out = out;
			this.prefix = prefix.getBytes(StandardCharsets.US_ASCII);
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			int end = offset + length;
			int from = offset;
			while (from < end) {
				if (this.lineStart) {
					this.out.write(this.prefix, 0, this.prefix.length);
				}
				int newline = from;
				while (newline < end && bytes[newline] != '\n') {
					newline++;
				}
				int to = (newline < end) ? newline + 1 : end;
				this.out.write(bytes, from, to - from);
				this.lineStart = newline < end;
				from = to;
			}
			// Progress shows as it comes, not when a buffer fills: a round takes minutes.
			this.out.flush();
		}

	}

}
