package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.BeyondLogPolicy;
import io.github.esdb.subscription.GroupDriftPolicy;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * The tuning all containers share, from {@code esdb.subscriptions.*}.
 *
 * @param catchUpBatchSize how many events the client requests from the server at once; also the local queue size
 * @param checkpointEveryEvents commit a catch-up checkpoint after this many events
 * @param checkpointEvery commit a catch-up checkpoint at least this often while events arrive or after idle
 * @param checkpointMinInterval commit a catch-up checkpoint after {@code checkpointEveryEvents} events no more often
 * than this
 * @param checkpointStreamPrefix prefix of the default store's checkpoint streams, skipped by {@code $all}
 * subscriptions
 * @param subscribeTimeout how long to wait for the server to confirm a subscription
 * @param autoCreateGroups whether missing persistent groups are created
 * @param persistentBufferSize default buffer size of persistent subscriptions
 * @param resubscribe back-off between resubscription attempts
 * @param concurrency how many events a subscription handles at once unless it says otherwise
 * @param concurrencyById the concurrency of named subscriptions, overriding what they say
 * @param maxInFlight how many events may wait or run across the partitions of one subscription
 * @param groupDrift what to do when an existing persistent group's settings differ from the declared ones
 * @param transactionalById whether named subscriptions are transactional, overriding what they say
 * @param transactionManagerById the transaction manager bean of named subscriptions, overriding what they say
 * @param beyondLog what a catch-up subscription does when its stored checkpoint is after the end of the log
 * @param parkedStreamPrefix prefix of the catch-up subscriptions' dead-letter streams, one per subscription id
 * @param batch the batch size and max wait of batch handlers
 * @param catchUpHandlerThread which thread calls the handler of a catch-up subscription handling one event at a
 * time
 * @param persistentHandlerThread which thread calls the handler of a persistent subscription handling one event at
 * a time
 */
record ContainerSettings(int catchUpBatchSize, int checkpointEveryEvents, Duration checkpointEvery,
		Duration checkpointMinInterval, String checkpointStreamPrefix, Duration subscribeTimeout, boolean autoCreateGroups, int persistentBufferSize,
		ResubscribeBackOff resubscribe, int concurrency, Map<String, Integer> concurrencyById, int maxInFlight,
		GroupDriftPolicy groupDrift, Map<String, Boolean> transactionalById,
		Map<String, String> transactionManagerById, BeyondLogPolicy beyondLog, String parkedStreamPrefix,
		BatchDefaults batch, HandlerThread catchUpHandlerThread,
		HandlerThread persistentHandlerThread) {

	/**
	 * The concurrency of a subscription: a per-id setting, else the endpoint's own, else the default; 1 for a
	 * segment.
	 * @param endpoint the subscription
	 * @return at least 1
	 */
	int concurrencyOf(SubscriptionEndpoint endpoint) {
		if (endpoint.segment() != null) {
			// The subscription's concurrency is its number of segments; each handles its events one at a time.
			return 1;
		}
		Integer byId = this.concurrencyById.get(endpoint.id());
		if (byId != null) {
			return byId;
		}
		return (endpoint.concurrency() > 0) ? endpoint.concurrency() : this.concurrency;
	}

	/**
	 * Whether a subscription is transactional: a per-id setting, else the endpoint's own.
	 * @param endpoint the subscription
	 * @return true if each handler call and its checkpoint commit together
	 */
	boolean transactionalOf(SubscriptionEndpoint endpoint) {
		Boolean byId = this.transactionalById.get(endpoint.id());
		return (byId != null) ? byId : endpoint.transactional();
	}

	/**
	 * The transaction manager bean of a transactional subscription: a per-id setting, else the endpoint's own.
	 * @param endpoint the subscription
	 * @return the bean name, {@code null} for the only or primary one
	 */
	@Nullable String transactionManagerOf(SubscriptionEndpoint endpoint) {
		String byId = this.transactionManagerById.get(endpoint.id());
		return (byId != null) ? byId : endpoint.transactionManager();
	}

}
