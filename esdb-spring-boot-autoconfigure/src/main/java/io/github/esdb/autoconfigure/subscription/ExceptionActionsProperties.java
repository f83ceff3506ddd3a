package io.github.esdb.autoconfigure.subscription;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.util.ClassUtils;

import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.subscription.ExceptionActions;
import io.github.esdb.subscription.NackException;

/**
 * Turns {@code esdb.subscriptions.exception-actions} and {@code esdb.subscriptions.by-id.<id>.exception-actions}
 * into {@link ExceptionActions}, failing start-up on an unknown action or a class that does not exist or is not an
 * exception, with the property and a correct example.
 */
final class ExceptionActionsProperties {

	private static final String PREFIX = "esdb.subscriptions.";

	private ExceptionActionsProperties() {
	}

	/**
	 * The actions for all subscriptions.
	 * @param properties the bound properties
	 * @return the mapping
	 */
	static ExceptionActions defaults(SubscriptionProperties properties) {
		return parse(properties.getExceptionActions(), PREFIX + "exception-actions");
	}

	/**
	 * The actions of single subscriptions.
	 * @param properties the bound properties
	 * @return the mapping by subscription id, only for those that declare some
	 */
	static Map<String, ExceptionActions> byId(SubscriptionProperties properties) {
		Map<String, ExceptionActions> byId = new LinkedHashMap<>();
		properties.getById().forEach((id, settings) -> {
			ExceptionActions actions = parse(settings.getExceptionActions(),
					PREFIX + "by-id." + id + ".exception-actions");
			if (!actions.isEmpty()) {
				byId.put(id, actions);
			}
		});
		return byId;
	}

	/**
	 * Check every declared action.
	 * @param properties the bound properties
	 */
	static void check(SubscriptionProperties properties) {
		defaults(properties);
		byId(properties);
	}

	private static ExceptionActions parse(Map<String, String> declared, String property) {
		Map<Class<? extends Throwable>, NackException.Action> actions = new LinkedHashMap<>();
		declared.forEach((className, action) -> {
			String key = property + "[" + className + "]";
			actions.put(exceptionClass(className, key), action(action, key));
		});
		return new ExceptionActions(actions);
	}

	private static NackException.Action action(String value, String property) {
		if (value != null) {
			for (NackException.Action action : NackException.Action.values()) {
				if (action.name().equalsIgnoreCase(value.trim())) {
					return action;
				}
			}
		}
		String valid = Arrays.stream(NackException.Action.values())
			.map((action) -> action.name().toLowerCase(Locale.ROOT))
			.collect(Collectors.joining(", "));
		throw new InvalidEsdbConfigurationException(property, "'" + value + "' is not an action",
				"Use one of " + valid + ", for example " + property + "=park");
	}

	private static Class<? extends Throwable> exceptionClass(String name, String property) {
		String example = "Name an exception class in brackets, for example " + PREFIX
				+ "exception-actions[java.lang.IllegalArgumentException]=skip";
		Class<?> type;
		try {
			type = ClassUtils.forName(name.trim(), ClassUtils.getDefaultClassLoader());
		}
		catch (ClassNotFoundException | LinkageError | IllegalArgumentException ex) {
			throw new InvalidEsdbConfigurationException(property, "there is no class '" + name + "' on the class "
					+ "path (without brackets, dots in the class name split the property name)", example);
		}
		if (!Throwable.class.isAssignableFrom(type)) {
			throw new InvalidEsdbConfigurationException(property, "'" + name + "' is not an exception class",
					example);
		}
		@SuppressWarnings("unchecked")
		Class<? extends Throwable> exception = (Class<? extends Throwable>) type;
		return exception;
	}

}
