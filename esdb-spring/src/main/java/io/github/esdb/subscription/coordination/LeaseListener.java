package io.github.esdb.subscription.coordination;

/**
 * Told when this instance gains or loses the lease of a subscription, for metrics and alerts. Called on the
 * coordination's scheduler thread; must not block.
 */
public interface LeaseListener {

	/**
	 * This instance acquired a lease and starts the subscription.
	 * @param lease the acquired lease
	 */
	default void acquired(SubscriptionLease lease) {
	}

	/**
	 * This instance lost a lease it held (not a release at a stop) and stopped the subscription.
	 * @param lease the lost lease
	 * @param reason why, for the log
	 */
	default void lost(SubscriptionLease lease, String reason) {
	}

}
