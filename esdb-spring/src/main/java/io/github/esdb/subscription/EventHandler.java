package io.github.esdb.subscription;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of an {@link EventSubscription @EventSubscription} class as the handler of the event type its payload
 * parameter maps to. One subscription feeds all handlers of the class, in order: the usual shape of a projection.
 * Events no handler accepts are skipped.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventHandler {

}
