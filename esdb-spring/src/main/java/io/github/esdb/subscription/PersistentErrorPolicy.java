package io.github.esdb.subscription;

/**
 * How a persistent subscription answers a handler exception other than {@link NackException} (which always decides
 * for itself). Declare a bean of this type to replace the default, set by
 * {@code esdb.subscriptions.persistent.default-nack-action} (retry, so the server parks after its max retry count).
 * Events that cannot be deserialized are parked at once, whatever the policy.
 */
@FunctionalInterface
public interface PersistentErrorPolicy {

	/**
	 * The nack for a failed event.
	 * @param endpoint the subscription
	 * @param event the event
	 * @param error what the handler threw
	 * @return the action and reason to send
	 */
	NackException decide(SubscriptionEndpoint endpoint, EventContext event, Throwable error);

}
