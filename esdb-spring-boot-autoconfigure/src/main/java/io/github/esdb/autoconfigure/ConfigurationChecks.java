package io.github.esdb.autoconfigure;

import java.time.Duration;

/**
 * Start-up checks of {@code esdb.*} values that binding accepts but that cannot work (a zero timeout, a negative
 * size); each failure names the property and shows a correct value.
 */
public final class ConfigurationChecks {

	private ConfigurationChecks() {
	}

	/**
	 * Require a positive duration.
	 * @param value the bound value
	 * @param property the property name
	 * @param example a correct value, for example {@code 10s}
	 * @throws InvalidEsdbConfigurationException if it is missing, zero or negative
	 */
	public static void positive(Duration value, String property, String example) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw invalid(property, "must be a positive duration but was " + value, example);
		}
	}

	/**
	 * Require a duration that is not negative.
	 * @param value the bound value
	 * @param property the property name
	 * @param example a correct value
	 * @throws InvalidEsdbConfigurationException if it is missing or negative
	 */
	public static void notNegative(Duration value, String property, String example) {
		if (value == null || value.isNegative()) {
			throw invalid(property, "must not be negative but was " + value, example);
		}
	}

	/**
	 * Require a number of at least {@code min}.
	 * @param value the bound value
	 * @param min the smallest value that works
	 * @param property the property name
	 * @param example a correct value
	 * @throws InvalidEsdbConfigurationException if it is smaller
	 */
	public static void atLeast(double value, double min, String property, String example) {
		if (!(value >= min)) {
			throw invalid(property, "must be at least " + format(min) + " but was " + format(value), example);
		}
	}

	/**
	 * Require a number in {@code [min, max]}.
	 * @param value the bound value
	 * @param min the smallest value that works
	 * @param max the largest value that works
	 * @param property the property name
	 * @param example a correct value
	 * @throws InvalidEsdbConfigurationException if it is outside
	 */
	public static void between(double value, double min, double max, String property, String example) {
		if (!(value >= min && value <= max)) {
			throw invalid(property, "must be between " + format(min) + " and " + format(max) + " but was "
					+ format(value), example);
		}
	}

	private static InvalidEsdbConfigurationException invalid(String property, String problem, String example) {
		return new InvalidEsdbConfigurationException(property, problem, "Set a valid value, for example " + property
				+ "=" + example);
	}

	private static String format(double value) {
		return (value == Math.rint(value) && !Double.isInfinite(value)) ? String.valueOf((long) value)
				: String.valueOf(value);
	}

}
