package io.github.esdb.subscription;

/**
 * The subscription may no longer handle events here (its instance lost the right to, for example a coordinated
 * subscription's lease): the event at hand is neither retried, skipped nor parked, it stays where it is for whoever
 * handles the subscription next. The error handling stops the worker when a handler's work ends with one.
 */
public class SubscriptionStoppedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception.
	 * @param message what was refused and why
	 */
	public SubscriptionStoppedException(String message) {
		super(message);
	}

}
