package io.github.esdb.subscription.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;

import org.springframework.util.ReflectionUtils;

import io.github.esdb.serialization.EventSerializationException;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.InvalidSubscriptionException;

/**
 * Calls one handler method with the arguments its parameters ask for: the payload (deserialized to the parameter's
 * class, or the raw bytes for {@code byte[]}), the {@link ResolvedEvent}, the {@link RecordedEvent} and the
 * {@link EventContext}. A method with a payload class accepts only that class's event type.
 */
public final class HandlerMethodInvoker {

	private final Object bean;

	private final Method method;

	private final List<HandlerArgumentResolver> resolvers;

	private final String eventType;

	private final String description;

	private HandlerMethodInvoker(Object bean, Method method, List<HandlerArgumentResolver> resolvers, String eventType,
			String description) {
		this.bean = bean;
		this.method = method;
		this.resolvers = resolvers;
		this.eventType = eventType;
		this.description = description;
	}

	/**
	 * Check a handler method's parameters and build its invoker.
	 * @param bean the bean (or its proxy) to call
	 * @param beanName the bean's name, for messages
	 * @param method the method, invocable on {@code bean}
	 * @param types the event type mapping; payload classes are registered in it
	 * @param serializer reads payloads
	 * @return the invoker
	 * @throws InvalidSubscriptionException if a parameter cannot be supplied
	 */
	public static HandlerMethodInvoker create(Object bean, String beanName, Method method, EventTypeRegistry types,
			EventSerializer serializer) {
		String description = "bean '" + beanName + "' method '" + method.getName() + "'";
		List<HandlerArgumentResolver> resolvers = new ArrayList<>();
		Parameter payload = null;
		String eventType = null;
		for (Parameter parameter : method.getParameters()) {
			Class<?> type = parameter.getType();
			if (type == ResolvedEvent.class) {
				resolvers.add((event, context) -> event);
			}
			else if (type == RecordedEvent.class) {
				resolvers.add((event, context) -> event.getEvent());
			}
			else if (type == EventContext.class) {
				resolvers.add((event, context) -> context);
			}
			else if (type == byte[].class || isPayloadType(type)) {
				if (payload != null) {
					throw new InvalidSubscriptionException(description + " has two payload parameters, '"
							+ payload.getName() + "' (" + payload.getType().getSimpleName() + ") and '"
							+ parameter.getName() + "' (" + type.getSimpleName() + ")",
							"a handler takes one payload, plus optionally ResolvedEvent, RecordedEvent and "
									+ "EventContext; remove one of them");
				}
				payload = parameter;
				if (type == byte[].class) {
					resolvers.add((event, context) -> event.getEvent().getEventData());
				}
				else {
					try {
						eventType = types.register(type);
					}
					catch (IllegalStateException ex) {
						throw invalid(description + ": " + ex.getMessage(), ex);
					}
					resolvers.add(payloadResolver(type, parameter.getName(), acceptsNull(parameter), serializer));
				}
			}
			else if (type == List.class) {
				throw new InvalidSubscriptionException(description + " takes a List ('" + parameter.getName()
						+ "'), but only a method annotated @EventSubscription can be a batch handler, with the List as "
						+ "its only parameter", "declare the batch handler as its own subscription, for example "
								+ "@EventSubscription(id = \"totals\", stream = \"orders\") void on(List<OrderPlaced> "
								+ "events)");
			}
			else {
				throw new InvalidSubscriptionException(description + " has parameter '" + parameter.getName()
						+ "' of unsupported type " + type.getName(), "handler parameters are the payload (an "
								+ "application class, or byte[] for the raw data), ResolvedEvent, RecordedEvent and "
								+ "EventContext");
			}
		}
		ReflectionUtils.makeAccessible(method);
		return new HandlerMethodInvoker(bean, method, List.copyOf(resolvers), eventType, description);
	}

	/**
	 * Reads an event's payload as an application class.
	 * @param type the class
	 * @param parameterName the parameter that receives it, for the message about a null payload
	 * @param nullable whether a JSON {@code null} may be handed over
	 * @param serializer reads payloads
	 * @return the resolver
	 */
	static HandlerArgumentResolver payloadResolver(Class<?> type, String parameterName, boolean nullable,
			EventSerializer serializer) {
		return (event, context) -> {
			Object value = serializer.deserialize(context.eventType(), event.getEvent().getEventData(), type);
			if (value == null && !nullable) {
				// A JSON null is as unreadable as broken bytes: retrying cannot help, so it goes the way of
				// unreadable events instead of failing the handler with a NullPointerException.
				throw new EventSerializationException("Event " + context.eventId() + " (" + context.eventType()
						+ ") has a null payload; annotate the parameter '" + parameterName
						+ "' @Nullable to receive such events", null);
			}
			return value;
		};
	}

	/**
	 * An {@link InvalidSubscriptionException} from a message of the form "problem; fix", with the two kept apart.
	 * @param message the message
	 * @param cause the cause
	 * @return the exception
	 */
	static InvalidSubscriptionException invalid(String message, Throwable cause) {
		int separator = message.indexOf("; ");
		return (separator < 0) ? new InvalidSubscriptionException(message, cause)
				: new InvalidSubscriptionException(message.substring(0, separator), message.substring(separator + 2),
						cause);
	}

	/**
	 * Whether the parameter is annotated with a {@code @Nullable} annotation (JSpecify, Spring, JSR-305 or any other
	 * of that simple name), on the parameter or its type.
	 */
	private static boolean acceptsNull(Parameter parameter) {
		return Stream.concat(Arrays.stream(parameter.getAnnotations()),
				Arrays.stream(parameter.getAnnotatedType().getAnnotations()))
			.anyMatch((annotation) -> annotation.annotationType().getSimpleName().equals("Nullable"));
	}

	/**
	 * Payloads are application classes: not primitives, arrays, JDK types or client types.
	 */
	static boolean isPayloadType(Class<?> type) {
		if (type.isPrimitive() || type.isArray()) {
			return false;
		}
		String name = type.getName();
		return !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jakarta.")
				|| name.startsWith("io.kurrent.") || name.startsWith("io.grpc.")
				|| name.startsWith("org.springframework."));
	}

	/**
	 * The event type this method accepts.
	 * @return the type name, or {@code null} when it accepts every event
	 */
	public String eventType() {
		return this.eventType;
	}

	/**
	 * What this invoker calls, for messages.
	 * @return e.g. "bean 'x' method 'y'"
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Call the method.
	 * @param event the event
	 * @param context the event's context
	 * @throws Exception what the method threw (unwrapped), or an
	 * {@link io.github.esdb.serialization.EventSerializationException} if the payload could not be read
	 */
	public void invoke(ResolvedEvent event, EventContext context) throws Exception {
		Object[] args = new Object[this.resolvers.size()];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.resolvers.get(i).resolve(event, context);
		}
		call(this.bean, this.method, args);
	}

	/**
	 * Call a handler method, unwrapping what it threw.
	 * @param bean the bean
	 * @param method the method, accessible
	 * @param args the arguments
	 * @throws Exception what the method threw
	 */
	static void call(Object bean, Method method, Object[] args) throws Exception {
		try {
			method.invoke(bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			if (target instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

}
