package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.SubscriptionObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fast catch-up commits for every N events no more often than the minimum interval, so the re-delivery window
 * after a crash stays N events or that interval's worth, while the store sees a handful of writes a second.
 */
class CheckpointCoalescingTests {

	private final AtomicLong now = new AtomicLong();

	private final BatchedDeliveryTests.CountingStore store = new BatchedDeliveryTests.CountingStore();

	private final CheckpointCommitter committer = new CheckpointCommitter("s", this.store, 10, Duration.ofSeconds(5),
			Duration.ofMillis(100), new SubscriptionObserver() {
			}, this.now::get);

	private void handle(long revision) {
		this.committer.start(Checkpoint.ofRevision(revision));
		this.committer.finish(Checkpoint.ofRevision(revision));
		this.committer.commitIfDue();
	}

	private void advanceMillis(long millis) {
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

	@Test
	void everyNEventsCommitsAtMostOncePerMinimumInterval() {
		advanceMillis(100);
		for (long revision = 0; revision < 1_000; revision++) {
			handle(revision);
		}
		// 100 times every-events within one instant: one write, of the newest safe point.
		assertThat(this.store.stores.get()).isEqualTo(1);
		assertThat(this.committer.committed()).isEqualTo(Checkpoint.ofRevision(9));

		advanceMillis(99);
		handle(1_000);
		assertThat(this.store.stores.get()).isEqualTo(1);
		advanceMillis(1);
		handle(1_001);
		assertThat(this.store.stores.get()).isEqualTo(2);
		assertThat(this.committer.committed()).isEqualTo(Checkpoint.ofRevision(1_001));
	}

	@Test
	void fewerThanNEventsWaitForTheInterval() {
		handle(0);
		advanceMillis(4_999);
		handle(1);
		assertThat(this.store.stores.get()).isZero();
		advanceMillis(1);
		this.committer.commitIfDue();
		assertThat(this.committer.committed()).isEqualTo(Checkpoint.ofRevision(1));
	}

	@Test
	void serverCheckpointsCommitUnlessTheLastCommitIsRecent() {
		this.committer.pass(Checkpoint.ofRevision(5));
		this.committer.commitUnlessRecent();
		assertThat(this.store.stores.get()).isZero();
		advanceMillis(100);
		this.committer.commitUnlessRecent();
		assertThat(this.committer.committed()).isEqualTo(Checkpoint.ofRevision(5));
		this.committer.pass(Checkpoint.ofRevision(6));
		this.committer.commitUnlessRecent();
		assertThat(this.store.stores.get()).isEqualTo(1);
	}

}
