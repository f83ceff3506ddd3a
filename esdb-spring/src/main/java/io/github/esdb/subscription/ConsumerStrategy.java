package io.github.esdb.subscription;

import java.util.Locale;

/**
 * How a persistent subscription group spreads events over its consumers.
 */
public enum ConsumerStrategy {

	/** Each event goes to the next consumer in turn. */
	ROUND_ROBIN("RoundRobin"),

	/** Every event goes to one consumer; the others take over if it goes. */
	DISPATCH_TO_SINGLE("DispatchToSingle"),

	/** Events of one stream go to the same consumer, chosen by a hash of the stream name. */
	PINNED("Pinned"),

	/** Events with one correlation id go to the same consumer. */
	PINNED_BY_CORRELATION("PinnedByCorrelation");

	private final String serverName;

	ConsumerStrategy(String serverName) {
		this.serverName = serverName;
	}

	/**
	 * The name the server uses.
	 * @return e.g. {@code RoundRobin}
	 */
	public String serverName() {
		return this.serverName;
	}

	/**
	 * The strategy for a name such as {@code RoundRobin}, {@code round-robin} or {@code ROUND_ROBIN}.
	 * @param name the name, case-insensitive, with or without separators
	 * @return the strategy
	 * @throws IllegalArgumentException for unknown names
	 */
	public static ConsumerStrategy parse(String name) {
		String wanted = name.replace("_", "").replace("-", "").trim().toLowerCase(Locale.ROOT);
		for (ConsumerStrategy strategy : values()) {
			if (strategy.serverName.toLowerCase(Locale.ROOT).equals(wanted)) {
				return strategy;
			}
		}
		throw new IllegalArgumentException(
				"Unknown consumer strategy '" + name
				+ "'; use RoundRobin, DispatchToSingle, Pinned or PinnedByCorrelation");
	}

}
