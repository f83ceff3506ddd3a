package io.github.esdb.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Quiets the official client's connection loop by default: while the database is down it logs a WARN with a full
 * stack trace for every discovery attempt (hundreds of lines a minute) plus INFO and WARN lines for every closed
 * connection. The starter reports each failed reconnect attempt itself, in one WARN with the cause (see
 * {@code KurrentDBClientProvider}), so {@code logging.level.io.kurrent.dbclient.ConnectionService} defaults to
 * {@code error}. The default has the lowest precedence: any {@code logging.level} an application sets wins.
 */
class ClientLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	/** The name of the property source holding the defaults. */
	static final String PROPERTY_SOURCE_NAME = "esdbClientLoggingDefaults";

	/** The logger of the client's connection loop. */
	static final String CONNECTION_LOGGER = "logging.level.io.kurrent.dbclient.ConnectionService";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(CONNECTION_LOGGER, "error")));
		}
	}

}
