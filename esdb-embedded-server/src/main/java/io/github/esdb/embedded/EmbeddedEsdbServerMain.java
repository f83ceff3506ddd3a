package io.github.esdb.embedded;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.github.esdb.embedded.store.FsyncPolicy;

/**
 * Command line entry point of the standalone jar:
 * {@code java -jar esdb-embedded-server-<version>-standalone.jar --port 2113 [--host h] [--user admin:changeit]...
 * [--tls-cert cert.pem --tls-key key.pem] [--advertised-host h] [--max-append-size n] [--max-event-size n]
 * [--projections system|none] [--data-dir dir [--fsync always|interval|never]]} ({@code --option=value} works too).
 * Prints the connection string and serves until the JVM is stopped (Ctrl-C / SIGTERM close the server).
 */
public final class EmbeddedEsdbServerMain {

	private EmbeddedEsdbServerMain() {
	}

	/**
	 * Starts the server.
	 * @param args the command line options
	 * @throws InterruptedException when interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
			usage(System.out);
			return;
		}
		EmbeddedEsdbServer.Builder builder;
		try {
			builder = parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			usage(System.err);
			System.exit(2);
			return;
		}
		EmbeddedEsdbServer server;
		try {
			server = builder.build().start();
		}
		catch (IllegalStateException ex) {
			// A data directory in use or not ours: the message says what to do.
			System.err.println(ex.getMessage());
			System.exit(1);
			return;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.close();
			stopped.countDown();
		}, "esdb-embedded-shutdown"));
		String connection = server.connectionString();
		if (connection.endsWith("tls=true")) {
			connection += "&tlsCaFile=<CA or self-signed certificate PEM>";
		}
		if (server.dataDir() != null) {
			System.out.println("KurrentDB-compatible server ready, data kept in " + server.dataDir().toAbsolutePath()
					+ ".");
		}
		else {
			System.out.println("In-memory KurrentDB-compatible server ready (data is lost on exit).");
		}
		System.out.println("Connection string: " + connection);
		if (server.requiresAuthentication()) {
			System.out.println("Authentication is required: add user:password@ after kurrentdb://");
		}
		stopped.await();
	}

	/**
	 * Turns command line options into a builder (port 2113 unless given).
	 * @param args the options
	 * @return the configured builder
	 * @throws IllegalArgumentException for unknown or incomplete options
	 */
	static EmbeddedEsdbServer.Builder parse(String[] arguments) {
		String[] args = splitAssignments(arguments);
		EmbeddedEsdbServer.Builder builder = EmbeddedEsdbServer.builder().port(2113);
		Path certificate = null;
		Path key = null;
		for (int i = 0; i < args.length; i++) {
			String option = args[i];
			switch (option) {
				case "--port" -> builder.port(number(value(args, ++i, option), option));
				case "--host" -> builder.host(value(args, ++i, option));
				case "--advertised-host" -> builder.advertisedHost(value(args, ++i, option));
				case "--user" -> builder.user(value(args, ++i, option));
				case "--tls-cert" -> certificate = Path.of(value(args, ++i, option));
				case "--tls-key" -> key = Path.of(value(args, ++i, option));
				case "--max-append-size" -> builder.maxAppendSize(number(value(args, ++i, option), option));
				case "--max-event-size" -> builder.maxEventSize(number(value(args, ++i, option), option));
				case "--projections" -> builder.projections(ProjectionsMode.parse(value(args, ++i, option)));
				case "--data-dir" -> builder.dataDir(Path.of(value(args, ++i, option)));
				case "--fsync" -> builder.fsync(FsyncPolicy.parse(value(args, ++i, option)));
				default -> throw new IllegalArgumentException("Unknown option " + option);
			}
		}
		if ((certificate == null) != (key == null)) {
			throw new IllegalArgumentException("--tls-cert and --tls-key go together");
		}
		if (certificate != null) {
			builder.tls(certificate, key);
		}
		return builder;
	}

	/** Accepts {@code --option=value} as well as {@code --option value}. */
	private static String[] splitAssignments(String[] args) {
		java.util.List<String> split = new java.util.ArrayList<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (arg.startsWith("--") && equals > 2) {
				split.add(arg.substring(0, equals));
				split.add(arg.substring(equals + 1));
			}
			else {
				split.add(arg);
			}
		}
		return split.toArray(String[]::new);
	}

	private static String value(String[] args, int index, String option) {
		if (index >= args.length) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args[index];
	}

	private static int number(String value, String option) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
		}
	}

	private static void usage(PrintStream out) {
		out.println("Usage: java -jar esdb-embedded-server-standalone.jar [--port 2113] [--host 127.0.0.1]"
				+ " [--advertised-host host] [--user name:password]... [--tls-cert cert.pem --tls-key key.pem]"
				+ " [--max-append-size bytes] [--max-event-size bytes] [--projections system|none]"
				+ " [--data-dir dir (keep the data on disk)] [--fsync always|interval|never (default interval)]");
	}

}
