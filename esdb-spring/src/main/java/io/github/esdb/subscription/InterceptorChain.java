package io.github.esdb.subscription;

import java.util.List;

/**
 * Interceptors applied in order, the first one outermost (see {@link EventHandlerInterceptor#chain}); bound to a
 * subscription, each of them is.
 *
 * @param all the interceptors, two or more
 */
record InterceptorChain(List<EventHandlerInterceptor> all) implements EventHandlerInterceptor {

	@Override
	public boolean intercept(SubscriptionEndpoint endpoint, EventContext event, Invocation invocation)
			throws Exception {
		return proceed(0, endpoint, event, invocation);
	}

	private boolean proceed(int index, SubscriptionEndpoint endpoint, EventContext event, Invocation handler)
			throws Exception {
		if (index == this.all.size()) {
			return handler.proceed();
		}
		return this.all.get(index).intercept(endpoint, event, () -> proceed(index + 1, endpoint, event, handler));
	}

	@Override
	public EventHandlerInterceptor forSubscription(SubscriptionEndpoint endpoint) {
		return new InterceptorChain(
				this.all.stream().map((interceptor) -> interceptor.forSubscription(endpoint)).toList());
	}

}
