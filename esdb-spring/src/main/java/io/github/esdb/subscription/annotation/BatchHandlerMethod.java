package io.github.esdb.subscription.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.kurrent.dbclient.ResolvedEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

import io.github.esdb.core.StoredEvent;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.subscription.BatchEventDispatcher;
import io.github.esdb.subscription.BatchHandlerFailedException;
import io.github.esdb.subscription.BatchSettings;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.InvalidSubscriptionException;

/**
 * A batch handler method: one {@code List} parameter whose elements are payloads ({@code List<OrderPlaced>}), raw
 * data ({@code List<byte[]>}) or the template's {@link StoredEvent} of either ({@code List<StoredEvent<OrderPlaced>>},
 * which carries each event's envelope). A list of an application class takes only that class's event type; the
 * others are skipped, as a single-event handler skips them. Raw data takes every event.
 */
public final class BatchHandlerMethod implements BatchEventDispatcher {

	/** What a correct batch handler looks like, for start-up messages. */
	static final String EXAMPLE = "a batch handler takes one parameter, List<T>, List<byte[]> or List<StoredEvent<T>> "
			+ "with T an application class, for example @EventSubscription(id = \"totals\", stream = \"orders\") "
			+ "void on(List<OrderPlaced> events)";

	private final Object bean;

	private final Method method;

	private final HandlerArgumentResolver element;

	private final @Nullable String eventType;

	private final BatchSettings settings;

	private BatchHandlerMethod(Object bean, Method method, HandlerArgumentResolver element, @Nullable String eventType,
			BatchSettings settings) {
		this.bean = bean;
		this.method = method;
		this.element = element;
		this.eventType = eventType;
		this.settings = settings;
	}

	/**
	 * Whether a method is meant as a batch handler.
	 * @param method the method
	 * @return true if one of its parameters is a {@code List}
	 */
	public static boolean isBatch(Method method) {
		for (Class<?> type : method.getParameterTypes()) {
			if (type == List.class) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Check a batch handler's signature and build its dispatcher.
	 * @param bean the bean (or its proxy) to call
	 * @param beanName the bean's name, for messages
	 * @param method the method, invocable on {@code bean}
	 * @param settings the batch size and max wait it declares
	 * @param types the event type mapping; the payload class is registered in it
	 * @param serializer reads payloads
	 * @return the dispatcher
	 * @throws InvalidSubscriptionException if the signature is not one of a batch handler
	 */
	public static BatchHandlerMethod create(Object bean, String beanName, Method method, BatchSettings settings,
			EventTypeRegistry types, EventSerializer serializer) {
		String description = "bean '" + beanName + "' method '" + method.getName() + "'";
		Parameter[] parameters = method.getParameters();
		if (parameters.length != 1 || parameters[0].getType() != List.class) {
			throw new InvalidSubscriptionException(description + " takes a List and " + (parameters.length - 1)
					+ " other parameter(s); a batch handler's List must be its only parameter", EXAMPLE);
		}
		Parameter parameter = parameters[0];
		Type elementType = typeArgument(parameter.getParameterizedType());
		boolean stored = false;
		if (elementType instanceof ParameterizedType storedType && storedType.getRawType() == StoredEvent.class) {
			stored = true;
			elementType = typeArgument(storedType);
		}
		if (!(elementType instanceof Class<?> payloadClass)
				|| !(payloadClass == byte[].class || HandlerMethodInvoker.isPayloadType(payloadClass))) {
			throw new InvalidSubscriptionException(description + " takes " + parameter.getParameterizedType()
					.getTypeName() + ", whose elements are not payloads: a list of one application class is needed "
					+ "(mixed event types: List<byte[]> or List<StoredEvent<byte[]>> take every event)", EXAMPLE);
		}
		String eventType = null;
		HandlerArgumentResolver payload;
		if (payloadClass == byte[].class) {
			payload = (event, context) -> event.getEvent().getEventData();
		}
		else {
			try {
				eventType = types.register(payloadClass);
			}
			catch (IllegalStateException ex) {
				throw HandlerMethodInvoker.invalid(description + ": " + ex.getMessage(), ex);
			}
			payload = HandlerMethodInvoker.payloadResolver(payloadClass, parameter.getName(), false, serializer);
		}
		HandlerArgumentResolver element = stored
				? (event, context) -> new StoredEvent<>(payload.resolve(event, context), context.event()) : payload;
		ReflectionUtils.makeAccessible(method);
		return new BatchHandlerMethod(bean, method, element, eventType, settings);
	}

	private static @Nullable Type typeArgument(Type type) {
		if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length == 1) {
			return parameterized.getActualTypeArguments()[0];
		}
		// A raw List or StoredEvent says nothing about what it holds.
		return null;
	}

	@Override
	public boolean accepts(EventContext context) {
		return this.eventType == null || this.eventType.equals(context.eventType());
	}

	/**
	 * Read every payload first (a poison event fails the batch at its index), then call the method once.
	 */
	@Override
	public void dispatchBatch(List<ResolvedEvent> events, List<EventContext> contexts) throws Exception {
		List<Object> batch = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			try {
				batch.add(this.element.resolve(events.get(i), contexts.get(i)));
			}
			catch (RuntimeException ex) {
				throw new BatchHandlerFailedException(i, ex);
			}
		}
		HandlerMethodInvoker.call(this.bean, this.method, new Object[] { List.copyOf(batch) });
	}

	@Override
	public Optional<Set<String>> acceptedEventTypes() {
		return (this.eventType != null) ? Optional.of(Set.of(this.eventType)) : Optional.empty();
	}

	@Override
	public BatchSettings batchSettings() {
		return this.settings;
	}

}
