package io.github.esdb.autoconfigure.subscription;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

import io.github.esdb.autoconfigure.subscription.SubscriptionProperties.CoordinationMode;

/**
 * Matches when some catch-up subscription is coordinated across instances.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnCoordinationCondition.class)
@interface ConditionalOnCoordination {

	/**
	 * The mode to match.
	 * @return {@code NONE} (the default) for any mode but none, else that mode
	 */
	CoordinationMode value() default CoordinationMode.NONE;

}
