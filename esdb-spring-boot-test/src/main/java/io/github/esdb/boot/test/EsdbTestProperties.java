package io.github.esdb.boot.test;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Test support settings, bound from {@code esdb.test.*}.
 */
@ConfigurationProperties("esdb.test")
public class EsdbTestProperties {

	/**
	 * How long SubscriptionAwaiter waits for subscriptions unless a test gives a timeout; a wait that takes longer
	 * fails the test.
	 */
	private Duration awaitTimeout = Duration.ofSeconds(30);

	/**
	 * How long SubscriptionAwaiter waits by default.
	 * @return the timeout
	 */
	public Duration getAwaitTimeout() {
		return this.awaitTimeout;
	}

	/**
	 * Set how long SubscriptionAwaiter waits by default.
	 * @param awaitTimeout the timeout
	 */
	public void setAwaitTimeout(Duration awaitTimeout) {
		this.awaitTimeout = awaitTimeout;
	}

}
