package io.github.esdb.subscription;

/**
 * Thrown by a handler to tell the subscription what to do with the event it cannot handle.
 * <p>
 * On a persistent subscription the event is negatively acknowledged with the action and the reason:
 * {@link Action#PARK} moves it to the group's parked stream, {@link Action#RETRY} has the server deliver it again
 * after the configured back-off (and parks it after the configured retries or the group's max retry count),
 * {@link Action#SKIP} drops it, {@link Action#STOP} also stops this subscription. On a catch-up subscription
 * {@code RETRY} retries in place with the configured back-off, {@code SKIP} moves past the event, {@code PARK}
 * appends it to the subscription's dead-letter stream ({@code $esdb-parked-<id>}) and then moves past it, and
 * {@code STOP} stops the subscription as FAILED without moving past the event. Parked events of both kinds are
 * listed, replayed and purged through {@link SubscriptionRegistry}.
 */
public class NackException extends RuntimeException {

	/** What to do with the event. */
	public enum Action {

		/** Move the event aside (persistent: the parked stream). */
		PARK,
		/** Deliver the event again. */
		RETRY,
		/** Drop the event and go on. */
		SKIP,
		/** Stop the subscription. */
		STOP

	}

	private final Action action;

	/**
	 * Create an exception with an action and a reason.
	 * @param action what to do with the event
	 * @param reason why, sent to the server with a persistent nack
	 * @param cause the underlying error, may be {@code null}
	 */
	public NackException(Action action, String reason, Throwable cause) {
		super(reason, cause);
		if (action == null) {
			throw new IllegalArgumentException("A NackException needs an action");
		}
		this.action = action;
	}

	/**
	 * Create an exception with an action and a reason.
	 * @param action what to do with the event
	 * @param reason why
	 */
	public NackException(Action action, String reason) {
		this(action, reason, null);
	}

	/**
	 * Park the event.
	 * @param reason why
	 * @return the exception to throw
	 */
	public static NackException park(String reason) {
		return new NackException(Action.PARK, reason);
	}

	/**
	 * Retry the event.
	 * @param reason why
	 * @return the exception to throw
	 */
	public static NackException retry(String reason) {
		return new NackException(Action.RETRY, reason);
	}

	/**
	 * Skip the event.
	 * @param reason why
	 * @return the exception to throw
	 */
	public static NackException skip(String reason) {
		return new NackException(Action.SKIP, reason);
	}

	/**
	 * Stop the subscription.
	 * @param reason why
	 * @return the exception to throw
	 */
	public static NackException stop(String reason) {
		return new NackException(Action.STOP, reason);
	}

	/**
	 * What to do with the event.
	 * @return the action
	 */
	public Action getAction() {
		return this.action;
	}

	/**
	 * Why the handler refused the event.
	 * @return the reason
	 */
	public String getReason() {
		return getMessage();
	}

}
