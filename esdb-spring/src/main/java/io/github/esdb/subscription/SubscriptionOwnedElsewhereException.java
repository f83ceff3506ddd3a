package io.github.esdb.subscription;

/**
 * An operation that only the instance running a coordinated subscription may carry out (a reset, a replay of its
 * parked events) was asked of an instance that does not hold the subscription's lease. The subscription goes on as
 * it was (standing by here); the message names the instance to ask instead.
 */
public class SubscriptionOwnedElsewhereException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String owner;

	/**
	 * Create the exception.
	 * @param message what was refused and where to ask instead
	 * @param owner the instance that holds the lease, or a description when none is known
	 */
	public SubscriptionOwnedElsewhereException(String message, String owner) {
		super(message);
		this.owner = owner;
	}

	/**
	 * The instance that holds the subscription's lease.
	 * @return its instance id, or a description when none is known
	 */
	public String getOwner() {
		return this.owner;
	}

}
