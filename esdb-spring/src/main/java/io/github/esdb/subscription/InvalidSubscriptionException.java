package io.github.esdb.subscription;

import org.jspecify.annotations.Nullable;

/**
 * A subscription is declared wrongly; the message names the bean, the method and the fix. Thrown while the context
 * starts; a Spring Boot application reports it as a start-up failure with the problem as its description and the fix
 * as its action.
 */
public class InvalidSubscriptionException extends IllegalStateException {

	private final String problem;

	private final @Nullable String action;

	/**
	 * Create an exception whose message holds both the problem and the fix.
	 * @param message what is wrong and how to fix it
	 */
	public InvalidSubscriptionException(String message) {
		this(message, (Throwable) null);
	}

	/**
	 * Create an exception whose message holds both the problem and the fix.
	 * @param message what is wrong and how to fix it
	 * @param cause the cause, may be {@code null}
	 */
	public InvalidSubscriptionException(String message, @Nullable Throwable cause) {
		super(message, cause);
		this.problem = message;
		this.action = null;
	}

	/**
	 * Create an exception that keeps the problem and the fix apart.
	 * @param problem what is wrong, naming the subscription's bean and method
	 * @param action how to fix it
	 */
	public InvalidSubscriptionException(String problem, String action) {
		this(problem, action, null);
	}

	/**
	 * Create an exception that keeps the problem and the fix apart.
	 * @param problem what is wrong, naming the subscription's bean and method
	 * @param action how to fix it
	 * @param cause the cause, may be {@code null}
	 */
	public InvalidSubscriptionException(String problem, String action, @Nullable Throwable cause) {
		super(problem + "; " + action, cause);
		this.problem = problem;
		this.action = action;
	}

	/**
	 * What is wrong.
	 * @return the problem (the whole message when no separate fix was given)
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * How to fix it.
	 * @return the fix, or {@code null} when the message holds it
	 */
	public @Nullable String getAction() {
		return this.action;
	}

}
