package io.github.esdb.subscription.container;

import java.time.Duration;

/**
 * The tuning all containers share, from {@code esdb.subscriptions.*}.
 *
 * @param catchUpBatchSize how many events the client requests from the server at once; also the local queue size
 * @param checkpointEveryEvents commit a catch-up checkpoint after this many events
 * @param checkpointEvery commit a catch-up checkpoint at least this often while events arrive or after idle
 * @param checkpointStreamPrefix prefix of the default store's checkpoint streams, skipped by {@code $all}
 * subscriptions
 * @param subscribeTimeout how long to wait for the server to confirm a subscription
 * @param autoCreateGroups whether missing persistent groups are created
 * @param persistentBufferSize default buffer size of persistent subscriptions
 * @param resubscribe back-off between resubscription attempts
 */
record ContainerSettings(int catchUpBatchSize, int checkpointEveryEvents, Duration checkpointEvery,
		String checkpointStreamPrefix, Duration subscribeTimeout, boolean autoCreateGroups, int persistentBufferSize,
		ResubscribeBackOff resubscribe) {

}
