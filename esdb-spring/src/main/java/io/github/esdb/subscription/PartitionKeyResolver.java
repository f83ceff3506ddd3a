package io.github.esdb.subscription;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Decides which events of a concurrent subscription must be handled in order: events with equal keys are handled one
 * at a time in log order, events with different keys may be handled in parallel. The default key is the event's
 * stream, so each aggregate's events stay in order. Declare a bean and name it in
 * {@link EventSubscription#partitionBy()}, or give a SpEL expression there.
 */
@FunctionalInterface
public interface PartitionKeyResolver {

	/**
	 * The partition key of an event.
	 * @param context the event
	 * @param payload the deserialized payload, read only if asked for ({@code null} when no class is known for the
	 * event's type)
	 * @return the key; equal keys mean the same partition
	 */
	Object partitionKey(EventContext context, Supplier<@Nullable Object> payload);

	/**
	 * The default: the event's stream.
	 * @return the resolver
	 */
	static PartitionKeyResolver byStream() {
		return (context, payload) -> context.stream();
	}

}
