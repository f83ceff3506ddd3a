package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keeps the leases that let one application instance at a time run a catch-up subscription. Implementations decide
 * the expiry of a lease by a clock all instances agree on (the database's) or by observation alone (the lease did not
 * change for its time to live), never by comparing the wall clocks of two machines.
 *
 * @see JdbcLeaseStore
 * @see KurrentDBLeaseStore
 */
public interface LeaseStore {

	/**
	 * Take the lease if nobody holds it, or if its holder let it expire; the epoch then increases.
	 * @param leaseId the subscription id
	 * @param owner the instance id asking
	 * @param ttl how long the lease lasts unless renewed
	 * @return the lease now held by {@code owner}, or empty when another instance holds it
	 */
	Optional<SubscriptionLease> tryAcquire(String leaseId, String owner, Duration ttl);

	/**
	 * Extend a held lease, keeping its epoch.
	 * @param lease the lease as last acquired or renewed
	 * @param ttl how long it lasts from now
	 * @return the renewed lease, or empty when it is no longer held (another instance took it over)
	 */
	Optional<SubscriptionLease> renew(SubscriptionLease lease, Duration ttl);

	/**
	 * Give a held lease up, so that another instance can take it at once rather than after its time to live. Does
	 * nothing when the lease is no longer held.
	 * @param lease the held lease
	 */
	void release(SubscriptionLease lease);

	/**
	 * The lease as stored now, whoever holds it, for the snapshot of a standing-by instance.
	 * @param leaseId the subscription id
	 * @return the lease, or empty when none was ever taken
	 */
	Optional<SubscriptionLease> current(String leaseId);

	/**
	 * Say that an instance runs a segmented subscription, and list the instances that said so recently: the members
	 * among which the segments are shared out. Each member calls it every renew interval; one that stops calling
	 * drops out after {@code ttl}, decided (like lease expiry) by a clock all members agree on or by observation,
	 * never by comparing two machines' wall clocks. The default knows no other member: each instance then takes the
	 * free segments it finds, and the leases alone keep a segment on one instance at a time.
	 * @param groupId the subscription id
	 * @param member this instance's id
	 * @param ttl how long the membership lasts unless repeated
	 * @return the live members, {@code member} among them
	 */
	default Set<String> heartbeat(String groupId, String member, Duration ttl) {
		return Set.of(member);
	}

	/**
	 * Where the leases are kept, for logs, the snapshot and the endpoint.
	 * @return for example {@code jdbc} or {@code kurrentdb}
	 */
	default String mode() {
		return getClass().getSimpleName();
	}

	/**
	 * Run a checkpoint write so that it takes effect only while the lease is in force. A store that can check the
	 * lease in the same transaction as the write (the JDBC store) does so, and joins the caller's transaction when
	 * there is one; the default only runs the write, and fencing then rests on the owner's local deadline.
	 * @param lease the lease the write is made under
	 * @param write the write
	 * @param onLost called when the write is refused or rolled back because the lease moved on
	 * @param <T> the write's result
	 * @return the write's result
	 * @throws LeaseLostException when the lease moved on (in a transaction: when it commits)
	 */
	default <T> T fenced(SubscriptionLease lease, Supplier<T> write, Runnable onLost) {
		return write.get();
	}

}
