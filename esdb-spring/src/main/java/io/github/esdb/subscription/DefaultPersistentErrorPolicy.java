package io.github.esdb.subscription;

/**
 * The configured persistent error policy: the same nack action for every failure, with the exception as the reason.
 */
public class DefaultPersistentErrorPolicy implements PersistentErrorPolicy {

	private final NackException.Action action;

	public DefaultPersistentErrorPolicy(NackException.Action action) {
		this.action = action;
	}

	@Override
	public NackException decide(SubscriptionEndpoint endpoint, EventContext event, Throwable error) {
		return new NackException(this.action, error.getClass().getSimpleName() + ": " + error.getMessage(), error);
	}

}
