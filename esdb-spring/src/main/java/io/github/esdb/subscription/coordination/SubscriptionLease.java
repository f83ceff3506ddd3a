package io.github.esdb.subscription.coordination;

import java.time.Instant;

/**
 * The right of one application instance to run a subscription, as a {@link LeaseStore} keeps it. Each acquisition
 * (a first one, or a takeover of an expired lease) increases the epoch; renewals keep it. A commit made under an
 * epoch that is no longer the stored one is fenced.
 *
 * @param subscriptionId the subscription (or, later, the segment) the lease is for
 * @param owner the instance id of the owner
 * @param epoch increases with every acquisition
 * @param expiresAt when the lease runs out unless renewed, by the store's clock (the database's for the JDBC store,
 * the owner's for the KurrentDB store, where it is shown but not used to decide)
 */
public record SubscriptionLease(String subscriptionId, String owner, long epoch, Instant expiresAt) {

}
