package io.github.esdb.subscription.coordination;

import io.github.esdb.subscription.SubscriptionStoppedException;

/**
 * A write was refused, or rolled back, because the lease it was made under is no longer in force: another instance
 * took the subscription over, or this one could not renew the lease in time. The error handling stops the worker
 * on it: the event is neither retried, skipped nor parked, and the new owner handles it.
 */
public class LeaseLostException extends SubscriptionStoppedException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception.
	 * @param message what was refused and why
	 */
	public LeaseLostException(String message) {
		super(message);
	}

}
