package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real lease store whose renewals can be held up, as a paused JVM or a cut connection would hold them up; all else
 * (acquisition, release, the fencing of commits) goes to the real store unchanged.
 */
final class PausableLeaseStore implements LeaseStore {

	private static final Duration LONGEST_PAUSE = Duration.ofSeconds(60);

	private volatile LeaseStore delegate;

	private volatile CountDownLatch pause = new CountDownLatch(0);

	void use(LeaseStore store) {
		this.delegate = store;
	}

	void pause() {
		this.pause = new CountDownLatch(1);
	}

	void resume() {
		this.pause.countDown();
	}

	@Override
	public String mode() {
		return this.delegate.mode();
	}

	@Override
	public Optional<SubscriptionLease> tryAcquire(String leaseId, String owner, Duration ttl) {
		return this.delegate.tryAcquire(leaseId, owner, ttl);
	}

	@Override
	public Optional<SubscriptionLease> renew(SubscriptionLease lease, Duration ttl) {
		try {
			this.pause.await(LONGEST_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return this.delegate.renew(lease, ttl);
	}

	@Override
	public void release(SubscriptionLease lease) {
		this.delegate.release(lease);
	}

	@Override
	public Optional<SubscriptionLease> current(String leaseId) {
		return this.delegate.current(leaseId);
	}

	@Override
	public Set<String> heartbeat(String groupId, String member, Duration ttl) {
		return this.delegate.heartbeat(groupId, member, ttl);
	}

	@Override
	public <T> T fenced(SubscriptionLease lease, Supplier<T> write, Runnable onLost) {
		return this.delegate.fenced(lease, write, onLost);
	}

}
