package io.github.esdb.core;

import org.springframework.dao.TypeMismatchDataAccessException;

/**
 * A stored event could not be turned into the requested payload type: its type name maps to no class, maps to a class
 * that is not the requested type, or its data does not fit the class.
 */
public class EsdbEventTypeMappingException extends TypeMismatchDataAccessException {

	private final String eventType;

	/**
	 * Create the exception.
	 * @param eventType the stored event's type name
	 * @param message what is wrong and how to fix it
	 * @param cause the underlying failure, may be {@code null}
	 */
	public EsdbEventTypeMappingException(String eventType, String message, Throwable cause) {
		super(message, cause);
		this.eventType = eventType;
	}

	/**
	 * The stored event's type name.
	 * @return the type name
	 */
	public String getEventType() {
		return this.eventType;
	}

}
