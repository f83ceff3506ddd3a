package io.github.esdb.subscription;

import org.springframework.util.backoff.BackOff;

/**
 * The configured catch-up error policy: one back-off for all subscriptions, then stop or skip.
 */
public class DefaultCatchUpErrorPolicy implements CatchUpErrorPolicy {

	private final BackOff backOff;

	private final Outcome outcome;

	/**
	 * Create the policy.
	 * @param backOff the retry back-off (its executions are independent, so one instance serves all)
	 * @param outcome what to do after the retries
	 */
	public DefaultCatchUpErrorPolicy(BackOff backOff, Outcome outcome) {
		this.backOff = backOff;
		this.outcome = outcome;
	}

	@Override
	public BackOff retryBackOff(SubscriptionEndpoint endpoint) {
		return this.backOff;
	}

	@Override
	public Outcome onRetriesExhausted(SubscriptionEndpoint endpoint, EventContext event, Throwable error) {
		return this.outcome;
	}

}
