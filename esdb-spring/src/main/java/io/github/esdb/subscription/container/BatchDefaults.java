package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.Map;

import io.github.esdb.subscription.BatchEventDispatcher;
import io.github.esdb.subscription.BatchSettings;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * The batch settings of {@code esdb.subscriptions.batch.*} and their per-id overrides.
 *
 * @param size the most events in one batch unless a subscription says otherwise
 * @param maxWait how long a batch's first event waits for more unless a subscription says otherwise
 * @param sizeById the batch size of named subscriptions, overriding what they declare
 * @param maxWaitById the max wait of named subscriptions, overriding what they declare
 */
record BatchDefaults(int size, Duration maxWait, Map<String, Integer> sizeById, Map<String, Duration> maxWaitById) {

	/** 100 events or 100 ms. */
	static final BatchDefaults DEFAULTS = new BatchDefaults(100, Duration.ofMillis(100), Map.of(), Map.of());

	/**
	 * The settings a batch handler's subscription runs with: a per-id setting, else the declared one, else the
	 * default.
	 * @param endpoint the subscription
	 * @param dispatcher its batch handler
	 * @return the size (at least 1) and the max wait
	 */
	BatchSettings of(SubscriptionEndpoint endpoint, BatchEventDispatcher dispatcher) {
		BatchSettings declared = dispatcher.batchSettings();
		Integer sizeOverride = this.sizeById.get(endpoint.id());
		int effectiveSize = (sizeOverride != null) ? sizeOverride : (declared.size() > 0) ? declared.size() : this.size;
		Duration waitOverride = this.maxWaitById.get(endpoint.id());
		Duration effectiveWait = (waitOverride != null) ? waitOverride
				: (declared.maxWait() != null) ? declared.maxWait() : this.maxWait;
		return new BatchSettings(Math.max(1, effectiveSize), effectiveWait);
	}

}
