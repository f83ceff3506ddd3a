package io.github.esdb.embedded;

import java.util.Locale;

/**
 * Which projections the embedded server runs, like a real node's {@code --run-projections} with
 * {@code --start-standard-projections}.
 */
public enum ProjectionsMode {

	/**
	 * The system projections run from the start ({@code $streams}, {@code $stream_by_category}, {@code $by_category},
	 * {@code $by_event_type}) and the Projections service answers: the default.
	 */
	SYSTEM,

	/** No projections and no Projections service, like a node started with {@code --run-projections=none}. */
	NONE;

	/**
	 * Parses {@code system} or {@code none}, ignoring case.
	 * @param value the text
	 * @return the mode
	 * @throws IllegalArgumentException naming the accepted values
	 */
	public static ProjectionsMode parse(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		return switch (text) {
			case "system" -> SYSTEM;
			case "none" -> NONE;
			default -> throw new IllegalArgumentException(
					"Unknown projections mode '" + value + "': expected 'system' or 'none'");
		};
	}

}
