package io.github.esdb.subscription;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;

/**
 * The configured catch-up error policy: the action declared for the exception's class (the subscription's own
 * mapping first, then the defaults) applies at once; otherwise one back-off for all subscriptions, then stop, skip
 * or park.
 */
public class DefaultCatchUpErrorPolicy implements CatchUpErrorPolicy {

	private final BackOff backOff;

	private final Outcome outcome;

	private final ExceptionActions defaults;

	private final Map<String, ExceptionActions> byId;

	/**
	 * Create the policy.
	 * @param backOff the retry back-off (its executions are independent, so one instance serves all)
	 * @param outcome what to do after the retries
	 */
	public DefaultCatchUpErrorPolicy(BackOff backOff, Outcome outcome) {
		this(backOff, outcome, ExceptionActions.none(), Map.of());
	}

	/**
	 * Create the policy.
	 * @param backOff the retry back-off (its executions are independent, so one instance serves all)
	 * @param outcome what to do after the retries
	 * @param defaults the actions by exception class for all subscriptions
	 * @param byId the actions by exception class of single subscriptions, by subscription id
	 */
	public DefaultCatchUpErrorPolicy(BackOff backOff, Outcome outcome, ExceptionActions defaults,
			Map<String, ExceptionActions> byId) {
		this.backOff = backOff;
		this.outcome = outcome;
		this.defaults = defaults;
		this.byId = Map.copyOf(byId);
	}

	@Override
	public BackOff retryBackOff(SubscriptionEndpoint endpoint) {
		return this.backOff;
	}

	@Override
	public NackException.@Nullable Action actionFor(SubscriptionEndpoint endpoint, Throwable error) {
		return this.defaults.overriddenBy(this.byId.getOrDefault(endpoint.id(), ExceptionActions.none()))
			.actionFor(error);
	}

	@Override
	public Outcome onRetriesExhausted(SubscriptionEndpoint endpoint, EventContext event, Throwable error) {
		return this.outcome;
	}

}
