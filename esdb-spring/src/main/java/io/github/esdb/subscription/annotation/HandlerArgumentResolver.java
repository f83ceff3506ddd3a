package io.github.esdb.subscription.annotation;

import io.kurrent.dbclient.ResolvedEvent;

import io.github.esdb.subscription.EventContext;

/**
 * Supplies one argument of a handler method for an event.
 */
@FunctionalInterface
interface HandlerArgumentResolver {

	Object resolve(ResolvedEvent event, EventContext context);

}
