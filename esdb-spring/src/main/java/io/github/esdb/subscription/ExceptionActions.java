package io.github.esdb.subscription;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What to do with an event whose handler threw, by the exception's class: the most specific class declared for the
 * exception (or, failing that, for one of its causes) decides, like Spring Kafka's classification of exceptions.
 * Configured by {@code esdb.subscriptions.exception-actions} and {@code esdb.subscriptions.by-id.<id>.exception-actions}.
 */
public final class ExceptionActions {

	private static final ExceptionActions NONE = new ExceptionActions(Map.of());

	private final Map<Class<? extends Throwable>, NackException.Action> actions;

	/**
	 * Create the mapping.
	 * @param actions the action for each exception class (and its subclasses)
	 */
	public ExceptionActions(Map<Class<? extends Throwable>, NackException.Action> actions) {
		this.actions = Map.copyOf(actions);
	}

	/**
	 * A mapping that decides nothing.
	 * @return the empty mapping
	 */
	public static ExceptionActions none() {
		return NONE;
	}

	/**
	 * These actions, with {@code overrides} taking precedence for the same class.
	 * @param overrides the more specific mapping (a subscription's own)
	 * @return the combined mapping
	 */
	public ExceptionActions overriddenBy(ExceptionActions overrides) {
		if (overrides.actions.isEmpty()) {
			return this;
		}
		Map<Class<? extends Throwable>, NackException.Action> merged = new LinkedHashMap<>(this.actions);
		merged.putAll(overrides.actions);
		return new ExceptionActions(merged);
	}

	/**
	 * The action declared for an error: its own class or nearest superclass first, then its causes in turn.
	 * @param error what the handler threw
	 * @return the action, {@code null} when none is declared
	 */
	public NackException.@Nullable Action actionFor(Throwable error) {
		if (this.actions.isEmpty()) {
			return null;
		}
		Throwable current = error;
		for (int depth = 0; current != null && depth < 16; depth++) {
			for (Class<?> type = current.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
				NackException.Action action = this.actions.get(type);
				if (action != null) {
					return action;
				}
			}
			current = (current.getCause() != current) ? current.getCause() : null;
		}
		return null;
	}

	/**
	 * Whether no action is declared.
	 * @return true when empty
	 */
	public boolean isEmpty() {
		return this.actions.isEmpty();
	}

	@Override
	public String toString() {
		return this.actions.toString();
	}

}
