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
		return (endpoint, event, invocation) -> proceed(all, 0, endpoint, event, invocation);
	}

	private static boolean proceed(List<EventHandlerInterceptor> all, int index, SubscriptionEndpoint endpoint,
			EventContext event, Invocation handler) throws Exception {
		if (index == all.size()) {
			return handler.proceed();
		}
		return all.get(index).intercept(endpoint, event, () -> proceed(all, index + 1, endpoint, event, handler));
	}

}
