package io.github.esdb.subscription.annotation;

import java.lang.reflect.Method;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.subscription.ResetHandler;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionResetHandler;

/**
 * Calls one {@link ResetHandler @ResetHandler} method, whose signature was checked when it was found: parameters of
 * type {@code String} (the subscription id) and {@link StartPosition} (the target), each at most once, in any order.
 */
final class ResetHandlerMethod implements SubscriptionResetHandler {

	private static final String EXAMPLE = "take no parameter, the subscription id (String) and/or the reset target "
			+ "(StartPosition), for example @ResetHandler void clear() { jdbc.update(\"DELETE FROM order_view\"); }";

	private final Object bean;

	private final Method method;

	private final boolean[] idAt;

	private ResetHandlerMethod(Object bean, Method method, boolean[] idAt) {
		this.bean = bean;
		this.method = method;
		this.idAt = idAt;
	}

	/**
	 * Check a method's signature and wrap it.
	 * @param bean the bean
	 * @param beanName its name, for messages
	 * @param method the method, invocable on the bean (a proxy's method for a proxied bean)
	 * @return the handler
	 * @throws InvalidSubscriptionException if a parameter is of another type, or a type comes twice
	 */
	static ResetHandlerMethod create(Object bean, String beanName, Method method) {
		Class<?>[] types = method.getParameterTypes();
		boolean[] idAt = new boolean[types.length];
		boolean id = false;
		boolean target = false;
		for (int i = 0; i < types.length; i++) {
			boolean isId = types[i] == String.class;
			if ((isId && id) || (types[i] == StartPosition.class && target)
					|| (!isId && types[i] != StartPosition.class)) {
				throw new InvalidSubscriptionException("bean '" + beanName + "' method '" + method.getName()
						+ "' is annotated @ResetHandler, but its parameter " + (i + 1) + " (" + types[i].getSimpleName()
						+ ") is " + (((isId && id) || types[i] == StartPosition.class) ? "a second one of its type"
								: "neither a String nor a StartPosition"), EXAMPLE);
			}
			idAt[i] = isId;
			id |= isId;
			target |= !isId;
		}
		ReflectionUtils.makeAccessible(method);
		return new ResetHandlerMethod(bean, method, idAt);
	}

	@Override
	public void reset(String subscriptionId, StartPosition to) throws Exception {
		Object[] arguments = new Object[this.idAt.length];
		for (int i = 0; i < arguments.length; i++) {
			arguments[i] = this.idAt[i] ? subscriptionId : to;
		}
		try {
			// Throws what the method threw, unwrapped.
			AopUtils.invokeJoinpointUsingReflection(this.bean, this.method, arguments);
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(this + " threw " + ex, ex);
		}
	}

	@Override
	public String toString() {
		return "@ResetHandler " + this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName();
	}

}
