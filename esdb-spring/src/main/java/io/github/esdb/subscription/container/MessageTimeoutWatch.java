package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, once per subscription, that a persistent consumer's handlers are too slow for its buffer: the
 * server starts an event's message timeout when it sends the event, and an event that arrives while the handlers are
 * busy waits for them. Once that wait passes the group's message timeout, the server delivers handled or waiting
 * events again (to this consumer or another) and parks them after the group's max retry count; the handlers see
 * duplicates and nothing says why. The warning comes at half the timeout, before the first redelivery.
 * <p>
 * The wait of an event, from its delivery to its ack, is estimated from when handlers ran: the server sends an event
 * only once fewer than {@code bufferSize} are out, so an event cannot have been sent before the ack of the event
 * {@code bufferSize} places before it, nor (when handlers ran back to back) before the busy stretch it ends began: a
 * gap between one handler's end and the next one's start means the next event was not there yet. So a slow handler
 * on a trickle of live events, whose events never queue, is not reported for the others' time.
 * <p>
 * It watches subscriptions that handle one event at a time. With partitions the wait depends on how the keys spread
 * over them, which the handlers' times cannot tell, so a partitioned subscription is not watched rather than warned
 * about wrongly. The watch only knows the timeout when the subscription created the group or read its settings;
 * without it, it stays silent.
 */
final class MessageTimeoutWatch {

	private static final Logger logger = LoggerFactory.getLogger(MessageTimeoutWatch.class);

	/**
	 * A pause between two handlers longer than this means the second event had not arrived yet. Long enough that a
	 * loaded machine's scheduling or a young GC between two waiting events does not pass for one.
	 */
	private static final long GAP_NANOS = 20_000_000;

	private final String subscriptionId;

	private final String group;

	/** When the handlers of the last buffer's worth of events returned, a ring. */
	private final long[] ends;

	/** How long they took, a ring beside it. */
	private final long[] took;

	private int next;

	private int seen;

	private long sumNanos;

	private long busySince;

	private long lastEnd;

	private volatile long timeoutNanos;

	private volatile boolean warned;

	/**
	 * Create a watch.
	 * @param subscriptionId the subscription, for the message
	 * @param group the group, for the message
	 * @param bufferSize how many events the server sends this consumer before it acks
	 */
	MessageTimeoutWatch(String subscriptionId, String group, int bufferSize) {
		this.subscriptionId = subscriptionId;
		this.group = group;
		this.ends = new long[Math.max(1, bufferSize)];
		this.took = new long[this.ends.length];
	}

	/**
	 * The group's message timeout, once known.
	 * @param timeout the timeout, {@code null} or zero when it is unknown or the group has none
	 */
	void messageTimeout(@Nullable Duration timeout) {
		this.timeoutNanos = (timeout != null && timeout.compareTo(Duration.ZERO) > 0) ? timeout.toNanos() : 0;
	}

	/**
	 * An event left the buffer: its handler returned, or it was nacked (after its retry back-off, if any).
	 * @param startNanos when its handler was called ({@link System#nanoTime()})
	 * @param endNanos when it was acked or nacked
	 */
	void handled(long startNanos, long endNanos) {
		long timeout = this.timeoutNanos;
		if (this.warned || timeout == 0) {
			return;
		}
		long wait;
		long average;
		synchronized (this) {
			if (this.seen == 0 || startNanos - this.lastEnd > GAP_NANOS) {
				this.busySince = startNanos;
			}
			int size = this.ends.length;
			// Sent no earlier than the ack of the event a buffer before it, nor than the busy stretch began.
			long sentAfter = (this.seen >= size) ? Math.max(this.busySince, this.ends[this.next]) : this.busySince;
			wait = endNanos - sentAfter;
			this.sumNanos += (endNanos - startNanos) - this.took[this.next];
			this.took[this.next] = endNanos - startNanos;
			this.ends[this.next] = endNanos;
			this.next = (this.next + 1) % size;
			this.seen = Math.min(this.seen + 1, size);
			this.lastEnd = endNanos;
			if (this.warned || wait < timeout / 2) {
				return;
			}
			this.warned = true;
			average = this.sumNanos / this.seen;
		}
		long own = endNanos - startNanos;
		// When the event's own handling is already half the timeout, fewer events waiting in front of it would not
		// bring it under: pointing at the buffer would send the operator the wrong way.
		String remedy = (own >= timeout / 2)
				? "This event alone took " + Duration.ofNanos(own).toMillis() + " ms, so a smaller buffer cannot help: "
						+ "raise the group's messageTimeout or make the handler faster"
				: "Lower esdb.subscriptions.persistent.buffer-size (or bufferSize on @EventSubscription), or raise the "
						+ "group's messageTimeout";
		logger.warn("Subscription '{}' had an event wait about {} ms between its delivery and its ack, {} % of group "
				+ "'{}''s message timeout of {} ms: its handler takes {} ms on average (with retry back-offs) and up to "
				+ "buffer-size {} events wait for it. Past the timeout the server delivers events again, and parks them "
				+ "after the group's max retry count. {} (logged once)", this.subscriptionId,
				Duration.ofNanos(wait).toMillis(), wait * 100 / timeout, this.group, Duration.ofNanos(timeout).toMillis(),
				String.format(Locale.ROOT, "%.1f", average / 1e6), this.ends.length, remedy);
	}

}
