/**
 * One active consumer per catch-up subscription across application replicas: leases kept in KurrentDB or in a
 * relational table ({@link io.github.esdb.subscription.coordination.LeaseStore}), the coordinated container that runs a
 * subscription only while it holds its lease, and the fencing of checkpoint commits by the lease's epoch.
 */
@NullMarked
package io.github.esdb.subscription.coordination;

import org.jspecify.annotations.NullMarked;
