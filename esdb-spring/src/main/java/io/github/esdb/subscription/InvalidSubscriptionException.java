package io.github.esdb.subscription;

/**
 * A subscription is declared wrongly; the message names the bean, the method and the fix.
 */
public class InvalidSubscriptionException extends IllegalStateException {

	public InvalidSubscriptionException(String message) {
		super(message);
	}

	public InvalidSubscriptionException(String message, Throwable cause) {
		super(message, cause);
	}

}
