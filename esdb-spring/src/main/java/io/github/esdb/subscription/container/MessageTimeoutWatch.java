package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, once per subscription, that a persistent consumer's handlers are too slow for its buffer: the
 * server starts an event's message timeout when it sends the event, and the last event of a full buffer waits for the
 * handlers of all the others first. Once that wait passes the group's message timeout, the server delivers handled or
 * waiting events again (to this consumer or another) and parks them after the group's max retry count; the handlers
 * see duplicates and nothing says why. The wait is the handling time of the last {@code bufferSize} events, divided
 * among the handler threads; the warning comes at half the timeout, before the first redelivery.
 * <p>
 * The watch only knows the timeout when the subscription created the group or read its settings; without it, it
 * stays silent.
 */
final class MessageTimeoutWatch {

	private static final Logger logger = LoggerFactory.getLogger(MessageTimeoutWatch.class);

	private final String subscriptionId;

	private final String group;

	private final int threads;

	/** The handling times of the last buffer's worth of events, a ring. */
	private final long[] recent;

	private int next;

	private int count;

	private long sumNanos;

	private volatile long timeoutNanos;

	private volatile boolean warned;

	/**
	 * Create a watch.
	 * @param subscriptionId the subscription, for the message
	 * @param group the group, for the message
	 * @param bufferSize how many events the server sends this consumer before it acks
	 * @param threads how many handlers run at once
	 */
	MessageTimeoutWatch(String subscriptionId, String group, int bufferSize, int threads) {
		this.subscriptionId = subscriptionId;
		this.group = group;
		this.recent = new long[Math.max(1, bufferSize)];
		this.threads = Math.max(1, threads);
	}

	/**
	 * The group's message timeout, once known.
	 * @param timeout the timeout, {@code null} or zero when it is unknown or the group has none
	 */
	void messageTimeout(@Nullable Duration timeout) {
		this.timeoutNanos = (timeout != null && timeout.compareTo(Duration.ZERO) > 0) ? timeout.toNanos() : 0;
	}

	/**
	 * An event's handler returned.
	 * @param nanos how long it took
	 */
	void handled(long nanos) {
		long timeout = this.timeoutNanos;
		if (this.warned || timeout == 0) {
			return;
		}
		long wait;
		long average;
		synchronized (this) {
			this.sumNanos += nanos - this.recent[this.next];
			this.recent[this.next] = nanos;
			this.next = (this.next + 1) % this.recent.length;
			if (this.count < this.recent.length) {
				this.count++;
				// One slow event (a cold start, a pause) is not a pace: judge a full buffer's worth only.
				return;
			}
			wait = this.sumNanos / this.threads;
			if (this.warned || wait < timeout / 2) {
				return;
			}
			this.warned = true;
			average = this.sumNanos / this.recent.length;
		}
		logger.warn("Subscription '{}' handles an event in {} ms on average: with buffer-size {} the last event of a "
				+ "full buffer waits about {} ms for its handler, {} % of group '{}''s message timeout of {} ms. Past "
				+ "the timeout the server delivers events again, and parks them after the group's max retry count. "
				+ "Lower esdb.subscriptions.persistent.buffer-size (or bufferSize on @EventSubscription), or raise the "
				+ "group's messageTimeout (logged once)", this.subscriptionId,
				String.format(Locale.ROOT, "%.1f", average / 1e6), this.recent.length, Duration.ofNanos(wait).toMillis(),
				wait * 100 / timeout, this.group, Duration.ofNanos(timeout).toMillis());
	}

}
