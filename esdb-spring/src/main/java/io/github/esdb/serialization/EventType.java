package io.github.esdb.serialization;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The event type name under which a payload class is stored in KurrentDB, for example
 * {@code @EventType("OrderPlaced")}. Without it the name comes from {@code esdb.serialization.types} or, failing that,
 * the simple class name.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventType {

	/**
	 * The event type name.
	 * @return the name as written to the event's {@code type}
	 */
	String value();

}
