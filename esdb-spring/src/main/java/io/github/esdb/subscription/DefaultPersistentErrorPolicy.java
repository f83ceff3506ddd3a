package io.github.esdb.subscription;

import java.util.Map;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The configured persistent error policy: the action declared for the exception's class (the subscription's own
 * mapping first, then the defaults), else the same nack action for every failure, with the exception as the reason;
 * and one back-off between redeliveries for all subscriptions.
 */
public class DefaultPersistentErrorPolicy implements PersistentErrorPolicy {

	private final NackException.Action action;

	private final BackOff retryBackOff;

	private final ExceptionActions defaults;

	private final Map<String, ExceptionActions> byId;

	/**
	 * Create a policy that nacks every failure with one action and does not wait before a retry.
	 * @param action the nack action
	 */
	public DefaultPersistentErrorPolicy(NackException.Action action) {
		this(action, new FixedBackOff(0, FixedBackOff.UNLIMITED_ATTEMPTS), ExceptionActions.none(), Map.of());
	}

	/**
	 * Create the policy.
	 * @param action the nack action for exceptions no mapping names
	 * @param retryBackOff the wait before each {@code retry} nack; the event is parked once it stops
	 * @param defaults the actions by exception class for all subscriptions
	 * @param byId the actions by exception class of single subscriptions, by subscription id
	 */
	public DefaultPersistentErrorPolicy(NackException.Action action, BackOff retryBackOff, ExceptionActions defaults,
			Map<String, ExceptionActions> byId) {
		this.action = action;
		this.retryBackOff = retryBackOff;
		this.defaults = defaults;
		this.byId = Map.copyOf(byId);
	}

	@Override
	public NackException decide(SubscriptionEndpoint endpoint, EventContext event, Throwable error) {
		NackException.Action declared = this.defaults.overriddenBy(this.byId.getOrDefault(endpoint.id(),
				ExceptionActions.none())).actionFor(error);
		return new NackException((declared != null) ? declared : this.action,
				ErrorMessages.summary(error), error);
	}

	@Override
	public BackOff retryBackOff(SubscriptionEndpoint endpoint) {
		return this.retryBackOff;
	}

}
