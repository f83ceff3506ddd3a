package io.github.esdb.benchmarks;

import java.time.Duration;
import java.util.Locale;

/**
 * What the scale-out scenario runs.
 *
 * @param events events the writer appends
 * @param kills how many times a replica is killed with SIGKILL and restarted
 * @param replicas application replicas (JVMs) running the coordinated subscription
 * @param mode which coordination (and checkpoint store) the replicas use
 * @param target which replica is killed each time
 * @param killEvery the least time between two kills (each kill also waits until every replica has started)
 * @param leaseTtl the replicas' {@code esdb.subscriptions.coordination.lease-ttl}
 * @param renewInterval the replicas' {@code esdb.subscriptions.coordination.renew-interval}
 * @param checkpointEvery the replicas' {@code esdb.subscriptions.checkpoint.every-events}: the bound on duplicates
 * per handover in {@link Mode#KURRENTDB}
 * @param keepSchema whether the run's PostgreSQL schema is kept for inspection instead of dropped
 * @param segments the subscription's concurrency: 1 runs it whole on one replica at a time; above 1 it is split into
 * that many segments (partitioned by event id) that the replicas share
 */
public record ScaleOutOptions(int events, int kills, int replicas, Mode mode, Target target, Duration killEvery,
		Duration leaseTtl, Duration renewInterval, int checkpointEvery, boolean keepSchema, int segments) {

	/** The scenario: 20,000 events, 20 kills of a random one of 3 replicas, JDBC coordination. */
	public static final ScaleOutOptions DEFAULTS = new ScaleOutOptions(20_000, 20, 3, Mode.JDBC, Target.RANDOM,
			Duration.ofSeconds(8), Duration.ofSeconds(4), Duration.ofMillis(500), 100, false, 1);

	/**
	 * Validate the options.
	 */
	public ScaleOutOptions {
		if (events < 1 || kills < 0 || replicas < 2 || checkpointEvery < 1 || segments < 1) {
			throw new IllegalArgumentException("events, checkpoint-every and segments must be positive, kills not "
					+ "negative, replicas at least 2: " + this);
		}
		if (leaseTtl.compareTo(renewInterval.multipliedBy(3)) < 0) {
			throw new IllegalArgumentException("lease-ttl must be at least three renew intervals: " + this);
		}
	}

	/** The coordination of the replicas. */
	public enum Mode {

		/**
		 * {@code coordination.mode=jdbc}, the JDBC checkpoint store and a {@code transactional} handler that writes
		 * its row in the checkpoint's transaction: every event exactly once.
		 */
		JDBC,

		/**
		 * {@code coordination.mode=kurrentdb}, checkpoints in KurrentDB, a handler that writes its row in
		 * autocommit: every event at least once, duplicates within one checkpoint interval per handover.
		 */
		KURRENTDB

	}

	/** Which replica each kill hits. */
	public enum Target {

		/** Any replica, the owner of the subscription or one standing by. */
		RANDOM,

		/** The replica that handled the latest event: every kill forces a handover. */
		OWNER

	}

	/**
	 * Read options from {@code --name=value} arguments; missing ones keep their {@link #DEFAULTS defaults}.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException for an unknown or malformed argument
	 */
	public static ScaleOutOptions parse(String... args) {
		ScaleOutOptions o = DEFAULTS;
		for (String arg : args) {
			if (arg.equals("--keep-schema")) {
				o = new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode, o.target, o.killEvery, o.leaseTtl,
						o.renewInterval, o.checkpointEvery, true, o.segments);
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Bad argument '" + arg + "'. " + usage());
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1).replace("_", "");
			o = switch (name) {
				case "events" -> new ScaleOutOptions(number(arg, value), o.kills, o.replicas, o.mode, o.target,
						o.killEvery, o.leaseTtl, o.renewInterval, o.checkpointEvery, o.keepSchema, o.segments);
				case "kills" -> new ScaleOutOptions(o.events, number(arg, value), o.replicas, o.mode, o.target,
						o.killEvery, o.leaseTtl, o.renewInterval, o.checkpointEvery, o.keepSchema, o.segments);
				case "replicas" -> new ScaleOutOptions(o.events, o.kills, number(arg, value), o.mode, o.target,
						o.killEvery, o.leaseTtl, o.renewInterval, o.checkpointEvery, o.keepSchema, o.segments);
				case "mode" -> new ScaleOutOptions(o.events, o.kills, o.replicas, choice(Mode.class, arg, value),
						o.target, o.killEvery, o.leaseTtl, o.renewInterval, o.checkpointEvery, o.keepSchema, o.segments);
				case "target" -> new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode,
						choice(Target.class, arg, value), o.killEvery, o.leaseTtl, o.renewInterval, o.checkpointEvery,
						o.keepSchema, o.segments);
				case "kill-every-ms" -> new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode, o.target,
						Duration.ofMillis(number(arg, value)), o.leaseTtl, o.renewInterval, o.checkpointEvery,
						o.keepSchema, o.segments);
				case "lease-ttl-ms" -> new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode, o.target,
						o.killEvery, Duration.ofMillis(number(arg, value)), o.renewInterval, o.checkpointEvery,
						o.keepSchema, o.segments);
				case "renew-interval-ms" -> new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode, o.target,
						o.killEvery, o.leaseTtl, Duration.ofMillis(number(arg, value)), o.checkpointEvery,
						o.keepSchema, o.segments);
				case "checkpoint-every" -> new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode, o.target,
						o.killEvery, o.leaseTtl, o.renewInterval, number(arg, value), o.keepSchema, o.segments);
				case "segments" -> new ScaleOutOptions(o.events, o.kills, o.replicas, o.mode, o.target, o.killEvery,
						o.leaseTtl, o.renewInterval, o.checkpointEvery, o.keepSchema, number(arg, value));
				default -> throw new IllegalArgumentException("Unknown option '" + name + "'. " + usage());
			};
		}
		return o;
	}

	private static int number(String arg, String value) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a number in '" + arg + "'. " + usage());
		}
	}

	private static <E extends Enum<E>> E choice(Class<E> type, String arg, String value) {
		try {
			return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Unknown value in '" + arg + "'. " + usage());
		}
	}

	/**
	 * The command-line help.
	 * @return one line per option
	 */
	public static String usage() {
		return "Options: --events=20000 --kills=20 --replicas=3 --mode=jdbc|kurrentdb --target=random|owner "
				+ "--kill-every-ms=8000 --lease-ttl-ms=4000 --renew-interval-ms=500 --checkpoint-every=100 "
				+ "--segments=1 --keep-schema";
	}

}
