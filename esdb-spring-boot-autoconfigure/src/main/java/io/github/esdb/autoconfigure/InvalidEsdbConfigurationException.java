package io.github.esdb.autoconfigure;

/**
 * Thrown at start-up when the {@code esdb.*} configuration is wrong. Analyzed into a message that names the property,
 * says what is wrong and shows a correct example.
 */
public class InvalidEsdbConfigurationException extends RuntimeException {

	private final String property;

	private final String problem;

	private final String action;

	/**
	 * Create a new instance.
	 * @param property the property at fault, for example {@code esdb.connection-string}
	 * @param problem what is wrong, free of credentials
	 * @param action how to fix it, with a correct example
	 */
	public InvalidEsdbConfigurationException(String property, String problem, String action) {
		super("Invalid KurrentDB configuration '" + property + "': " + problem);
		this.property = property;
		this.problem = problem;
		this.action = action;
	}

	public String getProperty() {
		return this.property;
	}

	public String getProblem() {
		return this.problem;
	}

	public String getAction() {
		return this.action;
	}

}
