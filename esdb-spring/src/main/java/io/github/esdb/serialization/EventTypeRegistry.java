package io.github.esdb.serialization;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps event type names to payload classes and back. A class's name comes from {@link EventType @EventType}, then
 * from the configured mapping ({@code esdb.serialization.types}), then from its simple name. Subscriptions and the
 * template register the payload classes they use, so that a type name read from the store finds its class.
 */
public class EventTypeRegistry {

	private final Map<String, Class<?>> classesByName = new ConcurrentHashMap<>();

	private final Map<Class<?>, String> namesByClass = new ConcurrentHashMap<>();

	/**
	 * Create a registry with the configured mappings.
	 * @param configured type name to class, for example from {@code esdb.serialization.types}
	 */
	public EventTypeRegistry(Map<String, Class<?>> configured) {
		configured.forEach((name, type) -> {
			EventType annotation = type.getAnnotation(EventType.class);
			if (annotation != null && !annotation.value().equals(name)) {
				throw new IllegalStateException("esdb.serialization.types maps '" + name + "' to " + type.getName()
						+ ", but the class says @EventType(\"" + annotation.value()
						+ "\"); remove one of the two so the class has one type name");
			}
			bind(name, type);
		});
	}

	/**
	 * Create a registry with no configured mappings.
	 */
	public EventTypeRegistry() {
		this(Map.of());
	}

	/**
	 * Register a payload class under its type name.
	 * @param type the payload class
	 * @return the type name
	 * @throws IllegalStateException if another class already has that type name
	 */
	public String register(Class<?> type) {
		String name = typeNameOf(type);
		bind(name, type);
		return name;
	}

	/**
	 * The type name of a payload class; does not register it.
	 * @param type the payload class
	 * @return the type name
	 */
	public String typeNameOf(Class<?> type) {
		String known = this.namesByClass.get(type);
		if (known != null) {
			return known;
		}
		EventType annotation = type.getAnnotation(EventType.class);
		return (annotation != null) ? annotation.value() : type.getSimpleName();
	}

	/**
	 * The payload class registered for a type name.
	 * @param typeName the event's type
	 * @return the class, or empty when none is registered
	 */
	public Optional<Class<?>> classOf(String typeName) {
		return Optional.ofNullable(this.classesByName.get(typeName));
	}

	private void bind(String name, Class<?> type) {
		Class<?> existing = this.classesByName.putIfAbsent(name, type);
		if (existing != null && !existing.equals(type)) {
			throw new IllegalStateException("Event type '" + name + "' is claimed by both " + existing.getName()
					+ " and " + type.getName() + "; give one of them another name with @EventType(\"...\") or "
					+ "esdb.serialization.types." + name + "=<class>");
		}
		this.namesByClass.putIfAbsent(type, name);
	}

}
