package io.github.esdb.autoconfigure.observability;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How subscriptions are watched for health, lag and metrics, bound from {@code esdb.subscriptions.observability.*}.
 */
@ConfigurationProperties("esdb.subscriptions.observability")
public class SubscriptionObservabilityProperties {

	/**
	 * How often the head of each subscribed stream (or of $all) is read to compute the lag. One backwards read of
	 * one event per stream per interval; the lag is never computed per event.
	 */
	private Duration lagPollInterval = Duration.ofSeconds(5);

	/**
	 * How long a subscription may be behind without moving (or a handler may run) before it is reported as stalled,
	 * which turns its health DOWN: a silently dead subscription must not look healthy.
	 */
	private Duration stallTimeout = Duration.ofMinutes(2);

	/**
	 * Whether a subscription that is reconnecting counts as DOWN. By default it is UP with its state in the
	 * details, and only the stall watchdog turns it DOWN once it has been behind without moving for the stall
	 * timeout.
	 */
	private boolean reconnectingIsDown = false;

	/**
	 * How often the server's statistics of each persistent subscription group (parked, in flight, outstanding,
	 * connections, checkpoint distance) are read for the metrics.
	 */
	private Duration persistentStatsPollInterval = Duration.ofSeconds(30);

	public Duration getLagPollInterval() {
		return this.lagPollInterval;
	}

	public void setLagPollInterval(Duration lagPollInterval) {
		this.lagPollInterval = lagPollInterval;
	}

	public Duration getStallTimeout() {
		return this.stallTimeout;
	}

	public void setStallTimeout(Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

	public boolean isReconnectingIsDown() {
		return this.reconnectingIsDown;
	}

	public void setReconnectingIsDown(boolean reconnectingIsDown) {
		this.reconnectingIsDown = reconnectingIsDown;
	}

	public Duration getPersistentStatsPollInterval() {
		return this.persistentStatsPollInterval;
	}

	public void setPersistentStatsPollInterval(Duration persistentStatsPollInterval) {
		this.persistentStatsPollInterval = persistentStatsPollInterval;
	}

}
