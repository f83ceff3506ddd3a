package io.github.esdb.core;

import org.springframework.dao.UncategorizedDataAccessException;

/**
 * A KurrentDB failure that fits no more specific {@link org.springframework.dao.DataAccessException}; the cause is
 * the client's exception.
 */
public class UncategorizedEsdbException extends UncategorizedDataAccessException {

	/**
	 * Create the exception.
	 * @param message what was being done
	 * @param cause the client's exception
	 */
	public UncategorizedEsdbException(String message, Throwable cause) {
		super(message, cause);
	}

}
