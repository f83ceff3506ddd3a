package io.github.esdb.subscription.annotation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventDispatcher;
import io.github.esdb.subscription.InvalidSubscriptionException;

/**
 * Dispatches by event type to handler methods: the method for the event's type, else the method that accepts every
 * event (no payload or a {@code byte[]} payload), else nobody (the event is skipped).
 */
public final class MethodEventDispatcher implements EventDispatcher {

	private final Map<String, HandlerMethodInvoker> byType = new LinkedHashMap<>();

	private final HandlerMethodInvoker catchAll;

	/**
	 * The type of the only typed method, {@code null} unless there is exactly one: the usual handler takes one type,
	 * and comparing the event's type with it spares hashing that type, a new string for every event, in the map.
	 */
	private final @Nullable String onlyType;

	private final @Nullable HandlerMethodInvoker onlyTyped;

	/**
	 * Create a dispatcher.
	 * @param invokers the handler methods
	 * @throws InvalidSubscriptionException if two methods take the same event type, or two take every event
	 */
	public MethodEventDispatcher(List<HandlerMethodInvoker> invokers) {
		HandlerMethodInvoker any = null;
		for (HandlerMethodInvoker invoker : invokers) {
			if (invoker.eventType() == null) {
				if (any != null) {
					throw new InvalidSubscriptionException(invoker.description() + " and " + any.description()
							+ " both accept every event", "keep one, or give them payload parameters");
				}
				any = invoker;
				continue;
			}
			HandlerMethodInvoker previous = this.byType.putIfAbsent(invoker.eventType(), invoker);
			if (previous != null) {
				throw new InvalidSubscriptionException(invoker.description() + " and " + previous.description()
						+ " both handle event type '" + invoker.eventType() + "'", "merge them into one handler");
			}
		}
		this.catchAll = any;
		Map.@Nullable Entry<String, HandlerMethodInvoker> only = (this.byType.size() == 1)
				? this.byType.entrySet().iterator().next() : null;
		this.onlyType = (only != null) ? only.getKey() : null;
		this.onlyTyped = (only != null) ? only.getValue() : null;
	}

	@Override
	public boolean dispatch(ResolvedEvent event, EventContext context) throws Exception {
		String type = context.eventType();
		HandlerMethodInvoker invoker = (this.onlyType != null) ? (this.onlyType.equals(type) ? this.onlyTyped : null)
				: this.byType.get(type);
		if (invoker == null) {
			invoker = this.catchAll;
		}
		if (invoker == null) {
			return false;
		}
		invoker.invoke(event, context);
		return true;
	}

	@Override
	public Optional<Set<String>> acceptedEventTypes() {
		return (this.catchAll != null) ? Optional.empty() : Optional.of(Set.copyOf(this.byType.keySet()));
	}

}
