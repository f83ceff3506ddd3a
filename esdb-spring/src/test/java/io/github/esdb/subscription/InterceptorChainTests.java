package io.github.esdb.subscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.EventEnvelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chain of interceptors runs them outermost first around the handler, and bound to a subscription it runs each
 * one's own binding for it, in the same order.
 */
class InterceptorChainTests {

	private static final EventContext EVENT = new EventContext("s", new EventEnvelope("orders", 3, null,
			UUID.randomUUID(), "OrderPlaced", Instant.now(), Map.of(), new byte[0]), null);

	private final List<String> heard = new ArrayList<>();

	@Test
	void aBoundChainRunsEachInterceptorsBindingInOrder() throws Exception {
		SubscriptionEndpoint orders = SubscriptionEndpoint.toStream("orders-view", "orders").handler((e, c) -> {
		}).build();
		EventHandlerInterceptor binding = new EventHandlerInterceptor() {

			@Override
			public boolean intercept(SubscriptionEndpoint endpoint, EventContext event, Invocation invocation)
					throws Exception {
				InterceptorChainTests.this.heard.add("unbound");
				return invocation.proceed();
			}

			@Override
			public EventHandlerInterceptor forSubscription(SubscriptionEndpoint endpoint) {
				InterceptorChainTests.this.heard.add("bound to " + endpoint.id());
				return (bound, event, invocation) -> {
					InterceptorChainTests.this.heard.add("bound " + endpoint.id());
					return invocation.proceed();
				};
			}

		};
		EventHandlerInterceptor plain = (endpoint, event, invocation) -> {
			this.heard.add("plain");
			return invocation.proceed();
		};
		EventHandlerInterceptor chain = EventHandlerInterceptor.chain(List.of(binding, plain));

		EventHandlerInterceptor bound = chain.forSubscription(orders);
		boolean taken = bound.intercept(orders, EVENT, () -> this.heard.add("handler"));
		chain.intercept(orders, EVENT, () -> this.heard.add("handler"));

		assertThat(taken).isTrue();
		assertThat(this.heard).containsExactly("bound to orders-view", "bound orders-view", "plain", "handler",
				"unbound", "plain", "handler");
	}

	@Test
	void aChainReturnsWhatTheHandlerReturned() throws Exception {
		SubscriptionEndpoint orders = SubscriptionEndpoint.toStream("orders-view", "orders").handler((e, c) -> {
		}).build();
		EventHandlerInterceptor passing = (endpoint, event, invocation) -> invocation.proceed();
		EventHandlerInterceptor chain = EventHandlerInterceptor.chain(List.of(passing, passing))
			.forSubscription(orders);

		assertThat(chain.intercept(orders, EVENT, () -> false)).isFalse();
		assertThat(chain.intercept(orders, EVENT, () -> true)).isTrue();
	}

}
