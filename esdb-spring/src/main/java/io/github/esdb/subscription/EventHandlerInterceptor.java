package io.github.esdb.subscription;

import java.util.List;

/**
 * Wraps every handler invocation of every subscription, on the subscription's worker thread, so that cross-cutting
 * concerns (an Observation with its tracing scope, an MDC, a transaction) surround the handler itself rather than
 * being reported after the fact like {@link SubscriptionObserver} callbacks. Beans of this type are applied in
 * {@link org.springframework.core.annotation.Order order}, the first one outermost.
 * <p>
 * An interceptor must call {@link Invocation#proceed()} exactly once and return its result (or let its exception
 * propagate): the container decides about acks, nacks, retries and checkpoints from what comes back.
 */
@FunctionalInterface
public interface EventHandlerInterceptor {

	/**
	 * Surround one handler invocation.
	 * @param endpoint the subscription the event came from
	 * @param event the event
	 * @param invocation the rest of the chain and the handler
	 * @return what {@link Invocation#proceed()} returned: true if a handler took the event, false if none accepts
	 * its type
	 * @throws Exception what the handler threw
	 */
	boolean intercept(SubscriptionEndpoint endpoint, EventContext event, Invocation invocation) throws Exception;

	/**
	 * This interceptor for one subscription, asked once when its container is built. The container may call the
	 * returned interceptor, or this one, for that subscription's events, and both must behave alike; what depends
	 * only on the subscription (a lookup by its id, an observation's static tags) can then be done once rather than
	 * for every event. The default is this interceptor. What it throws fails the creation of the subscription's
	 * container, as an interceptor's failure fails a handler call rather than being ignored.
	 * @param endpoint the subscription
	 * @return an interceptor equivalent to this one for that subscription's events
	 */
	default EventHandlerInterceptor forSubscription(SubscriptionEndpoint endpoint) {
		return this;
	}

	/**
	 * The rest of the interceptor chain, ending with the handler.
	 */
	@FunctionalInterface
	interface Invocation {

		/**
		 * Invoke the next interceptor or the handler.
		 * @return true if a handler took the event
		 * @throws Exception what the handler threw
		 */
		boolean proceed() throws Exception;

	}

	/**
	 * The interceptor that only proceeds.
	 * @return a pass-through interceptor
	 */
	static EventHandlerInterceptor none() {
		return (endpoint, event, invocation) -> invocation.proceed();
	}

	/**
	 * Chain interceptors, the first one outermost.
	 * @param interceptors the interceptors
	 * @return one interceptor applying them all
	 */
	static EventHandlerInterceptor chain(List<EventHandlerInterceptor> interceptors) {
		List<EventHandlerInterceptor> all = List.copyOf(interceptors);
		if (all.isEmpty()) {
			return none();
		}
		if (all.size() == 1) {
			return all.get(0);
		}
		return new InterceptorChain(all);
	}

}
