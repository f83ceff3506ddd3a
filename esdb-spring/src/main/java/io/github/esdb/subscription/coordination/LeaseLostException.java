package io.github.esdb.subscription.coordination;

/**
 * A write was refused, or rolled back, because the lease it was made under is no longer in force: another instance
 * took the subscription over, or this one could not renew the lease in time.
 */
public class LeaseLostException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception.
	 * @param message what was refused and why
	 */
	public LeaseLostException(String message) {
		super(message);
	}

}
