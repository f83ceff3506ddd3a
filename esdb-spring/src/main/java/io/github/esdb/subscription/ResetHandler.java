package io.github.esdb.subscription;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a method of a subscription's bean (one with {@link EventSubscription @EventSubscription} methods, or an
 * {@code @EventSubscription} class) to be called when {@link SubscriptionRegistry#reset} moves a catch-up subscription
 * of that bean to another position, before it replays: the place to clear the read model the events are replayed
 * into. With a transactional subscription the method runs in the transaction that also stores the new checkpoint, so
 * the clearing and the checkpoint commit together.
 * <p>
 * The method may take, in any order, a {@code String} (the id of the subscription being reset) and a
 * {@link StartPosition} (where it is reset to), or nothing; what it returns is ignored. What it throws fails the
 * reset, which leaves the subscription stopped. Other parameters fail start-up.
 * <p>
 * When the bean holds several subscriptions, the method is called for each of them, unless {@link #subscriptions}
 * names the ones it is for.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ResetHandler {

	/**
	 * Alias for {@link #subscriptions}.
	 * @return the subscription ids
	 */
	@AliasFor("subscriptions")
	String[] value() default {};

	/**
	 * The ids of the bean's subscriptions the method resets (placeholders resolve); empty for all of them.
	 * @return the subscription ids
	 */
	@AliasFor("value")
	String[] subscriptions() default {};

}
