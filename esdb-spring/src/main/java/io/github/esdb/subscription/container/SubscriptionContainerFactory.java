package io.github.esdb.subscription.container;

import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;

/**
 * Creates the container that runs an endpoint: catch-up or persistent.
 */
public class SubscriptionContainerFactory {

	private final ContainerServices services;

	public SubscriptionContainerFactory(ContainerServices services) {
		this.services = services;
	}

	/**
	 * Create a container, not started.
	 * @param endpoint what to subscribe to
	 * @return the container
	 */
	public SubscriptionContainer create(SubscriptionEndpoint endpoint) {
		return (endpoint.kind() == SubscriptionKind.PERSISTENT)
				? new PersistentSubscriptionContainer(endpoint, this.services)
				: new CatchUpSubscriptionContainer(endpoint, this.services);
	}

}
