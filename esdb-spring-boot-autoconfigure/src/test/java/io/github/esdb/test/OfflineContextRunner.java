package io.github.esdb.test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;

/**
 * An application context with the client, serialization and subscription auto-configurations, pointed at a KurrentDB
 * that is never reached: for the tests of what is decided before anything connects (beans, validation, start-up
 * failures).
 */
public final class OfflineContextRunner {

	/** A port nothing listens on: nothing in these contexts may connect. */
	public static final String UNREACHABLE_CONNECTION_STRING = "kurrentdb://127.0.0.1:1?tls=false";

	private OfflineContextRunner() {
	}

	/**
	 * The runner.
	 * @return a new runner
	 */
	public static ApplicationContextRunner withSubscriptions() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, SubscriptionAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + UNREACHABLE_CONNECTION_STRING);
	}

}
