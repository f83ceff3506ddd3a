package io.github.esdb.subscription;

/**
 * Called when a catch-up subscription is {@link SubscriptionRegistry#reset reset}, before it replays; the programmatic
 * form of {@link ResetHandler @ResetHandler}, registered with {@link SubscriptionRegistry#addResetHandler}.
 */
@FunctionalInterface
public interface SubscriptionResetHandler {

	/**
	 * Prepare for the replay, typically by clearing the read model. For a transactional subscription this runs in
	 * the transaction that stores the new checkpoint.
	 * @param subscriptionId the subscription being reset
	 * @param to where it is reset to
	 * @throws Exception to fail the reset (the subscription then stays stopped)
	 */
	void reset(String subscriptionId, StartPosition to) throws Exception;

}
