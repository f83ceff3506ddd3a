package io.github.esdb.subscription;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

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

	/**
	 * How long the container waits before it nacks an event with {@code retry} (the server redelivers at once), and
	 * how often: the n-th redelivery of an event waits for the n-th interval of a fresh execution; once the execution
	 * stops, the event is parked instead. The group's own max retry count parks it too, whichever comes first.
	 * @param endpoint the subscription
	 * @return the back-off; the default waits not at all and leaves parking to the group's max retry count
	 */
	default BackOff retryBackOff(SubscriptionEndpoint endpoint) {
		return new FixedBackOff(0, FixedBackOff.UNLIMITED_ATTEMPTS);
	}

}
