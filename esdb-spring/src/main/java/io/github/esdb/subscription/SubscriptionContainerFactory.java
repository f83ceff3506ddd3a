package io.github.esdb.subscription;

/**
 * Creates the container that runs an endpoint. The {@link SubscriptionRegistry} calls it for every subscription;
 * the default, {@code io.github.esdb.subscription.container.DefaultSubscriptionContainerFactory}, creates catch-up
 * and persistent containers. It sits beside the registry, not with its implementations, so that this package does
 * not depend on them.
 */
@FunctionalInterface
public interface SubscriptionContainerFactory {

	/**
	 * Create a container, not started.
	 * @param endpoint what to subscribe to
	 * @return the container
	 */
	SubscriptionContainer create(SubscriptionEndpoint endpoint);

}
