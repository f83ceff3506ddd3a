package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.SubscriptionObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committer decides when and what to commit, and never commits past unfinished work.
 */
class CheckpointCommitterTests {

	private final RecordingStore store = new RecordingStore();

	private final AtomicLong now = new AtomicLong();

	private final List<Checkpoint> reported = new ArrayList<>();

	private final SubscriptionObserver observer = new SubscriptionObserver() {

		@Override
		public void checkpointCommitted(String subscriptionId, Checkpoint checkpoint) {
			CheckpointCommitterTests.this.reported.add(checkpoint);
		}

	};

	private CheckpointCommitter committer(int everyEvents, Duration every) {
		return new CheckpointCommitter("s", this.store, everyEvents, every, this.observer, this.now::get);
	}

	/** One event handled alone, as a subscription without partitions does. */
	private static long alone(CheckpointCommitter committer, long revision) {
		committer.startAlone(false, revision, 0);
		return committer.finishAloneAndCommitIfDue(false, revision, 0);
	}

	private static Checkpoint at(long revision) {
		return Checkpoint.ofRevision(revision);
	}

	@Test
	void tellsWhenTheNextCommitFallsDueOnlyWhenThatTimeIsNews() {
		long second = Duration.ofSeconds(1).toNanos();
		CheckpointCommitter committer = new CheckpointCommitter("s", this.store, 3, Duration.ofSeconds(5),
				Duration.ofSeconds(1), this.observer, this.now::get);
		// Nothing to commit: no time for the worker, and nothing to tell it.
		assertThat(committer.nanosUntilDue()).isNegative();
		assertThat(committer.commitIfDue()).isEqualTo(CheckpointCommitter.NO_NEWS);

		this.now.set(second / 10);
		committer.start(at(0));
		committer.finish(at(0));
		// The first finished event since the last commit: due by the time rule, T after the last commit.
		assertThat(committer.commitIfDue()).isEqualTo(5 * second);
		committer.start(at(1));
		committer.finish(at(1));
		assertThat(committer.commitIfDue()).isEqualTo(CheckpointCommitter.NO_NEWS);
		committer.start(at(2));
		committer.finish(at(2));
		// The N-th brings it forward to the minimum interval.
		assertThat(committer.commitIfDue()).isEqualTo(second);
		assertThat(committer.nanosUntilDue()).isEqualTo(second - second / 10);

		this.now.set(second);
		assertThat(committer.nanosUntilDue()).isZero();
		assertThat(committer.commitIfDue()).isEqualTo(CheckpointCommitter.NO_NEWS);
		assertThat(this.store.stored).containsExactly(at(2));
		assertThat(committer.nanosUntilDue()).isNegative();

		// After a commit the time is news again; the worker asking for it counts as told.
		committer.start(at(3));
		committer.finish(at(3));
		assertThat(committer.nanosUntilDue()).isEqualTo(5 * second);
		assertThat(committer.commitIfDue()).isEqualTo(CheckpointCommitter.NO_NEWS);
	}

	@Test
	void aCommitWhoseStoreFailedIsNewsForTheNextTry() {
		long second = Duration.ofSeconds(1).toNanos();
		CheckpointCommitter committer = new CheckpointCommitter("s", this.store, 1, Duration.ofSeconds(5),
				Duration.ofSeconds(1), this.observer, this.now::get);
		this.now.set(2 * second);
		this.store.failing = true;
		committer.start(at(0));
		committer.finish(at(0));
		// Due and tried: the store failed, and the count starts again, so the next try is T after this one.
		assertThat(committer.commitIfDue()).isEqualTo(7 * second);
		assertThat(committer.commitIfDue()).isEqualTo(CheckpointCommitter.NO_NEWS);

		this.store.failing = false;
		this.now.set(7 * second);
		assertThat(committer.commitIfDue()).isEqualTo(CheckpointCommitter.NO_NEWS);
		assertThat(this.store.stored).containsExactly(at(0));
	}

	@Test
	void commitsOnlyBelowTheOldestUnfinishedPosition() {
		CheckpointCommitter committer = committer(1000, Duration.ofHours(1));
		committer.start(at(1));
		committer.start(at(2));
		committer.start(at(3));
		committer.finish(at(3));
		committer.finish(at(2));
		committer.commit();
		assertThat(committer.safePoint()).isNull();
		assertThat(this.store.stored).isEmpty();

		committer.finish(at(1));
		assertThat(committer.safePoint()).isEqualTo(at(3));
		committer.commit();
		assertThat(this.store.stored).containsExactly(at(3));
		assertThat(committer.committed()).isEqualTo(at(3));
		assertThat(this.reported).containsExactly(at(3));
		assertThat(committer.inFlight()).isZero();
	}

	@Test
	void aPositionInFlightAloneStillHoldsBackThoseStartedAfterIt() {
		CheckpointCommitter committer = committer(1000, Duration.ofHours(1));
		// One at a time: each is the safe point as soon as it finished.
		committer.start(at(1));
		assertThat(committer.oldestUnfinished()).isEqualTo(at(1));
		assertThat(committer.inFlight()).isEqualTo(1);
		committer.finish(at(1));
		assertThat(committer.safePoint()).isEqualTo(at(1));
		assertThat(committer.inFlight()).isZero();
		// The one started alone is overtaken: it still bounds the safe point.
		committer.start(at(2));
		committer.start(at(3));
		committer.pass(at(4));
		committer.finish(at(3));
		assertThat(committer.safePoint()).isEqualTo(at(1));
		assertThat(committer.oldestUnfinished()).isEqualTo(at(2));
		assertThat(committer.inFlight()).isEqualTo(3);
		committer.finish(at(2));
		assertThat(committer.safePoint()).isEqualTo(at(4));
		assertThat(committer.inFlight()).isZero();
		assertThat(committer.oldestUnfinished()).isNull();
		// Discarded work is forgotten, alone or not.
		committer.start(at(5));
		committer.discardUnfinished();
		assertThat(committer.oldestUnfinished()).isNull();
		committer.finish(at(5));
		assertThat(committer.safePoint()).isEqualTo(at(4));
	}

	@Test
	void anEventStartedAloneShowsAsUnfinishedUntilItFinishesAndIsAPositionOnlyWhenAskedFor() {
		CheckpointCommitter committer = committer(2, Duration.ofHours(1));
		committer.startAlone(false, 1, 0);
		assertThat(committer.oldestUnfinished()).isEqualTo(at(1));
		assertThat(committer.inFlight()).isEqualTo(1);
		assertThat(committer.safePoint()).isNull();
		committer.finishAloneAndCommitIfDue(false, 1, 0);
		assertThat(committer.safePoint()).isEqualTo(at(1));
		assertThat(committer.oldestUnfinished()).isNull();
		assertThat(committer.inFlight()).isZero();
		assertThat(this.store.stored).isEmpty();
		// The N-th finished event commits, as after a locked start.
		committer.startAlone(false, 2, 0);
		committer.finishAloneAndCommitIfDue(false, 2, 0);
		assertThat(this.store.stored).containsExactly(at(2));
		// A position that does not come after the safe point leaves it where it is.
		committer.startAlone(false, 1, 0);
		committer.finishAloneAndCommitIfDue(false, 1, 0);
		assertThat(committer.safePoint()).isEqualTo(at(2));
		// Positions passed and started the usual way follow one finished alone.
		committer.startAlone(false, 3, 0);
		committer.finishAloneAndCommitIfDue(false, 3, 0);
		committer.start(at(4));
		committer.pass(at(5));
		assertThat(committer.safePoint()).isEqualTo(at(3));
		committer.finish(at(4));
		assertThat(committer.safePoint()).isEqualTo(at(5));
		// Discarded at the next session, as any unfinished work; finished after that, it moves nothing.
		committer.startAlone(false, 6, 0);
		committer.discardUnfinished();
		assertThat(committer.oldestUnfinished()).isNull();
		assertThat(committer.inFlight()).isZero();
		committer.finishAloneAndCommitIfDue(false, 6, 0);
		assertThat(committer.safePoint()).isEqualTo(at(5));
	}

	@Test
	void positionsInAllFinishedAloneCompareUnsignedAsLogPositionsDo() {
		CheckpointCommitter committer = committer(1000, Duration.ofHours(1));
		committer.restore(Checkpoint.ofPosition(new LogPosition(100, 100)));
		// Same commit, later prepare: after.
		committer.startAlone(true, 100, 101);
		assertThat(committer.oldestUnfinished()).isEqualTo(Checkpoint.ofPosition(new LogPosition(100, 101)));
		committer.finishAloneAndCommitIfDue(true, 100, 101);
		assertThat(committer.safePoint()).isEqualTo(Checkpoint.ofPosition(new LogPosition(100, 101)));
		// A commit position past the signed range is still later, compared with the checkpoint and, with no look in
		// between, with the numbers the last finish left.
		committer.startAlone(true, -2, -2);
		committer.finishAloneAndCommitIfDue(true, -2, -2);
		committer.startAlone(true, 200, 200);
		committer.finishAloneAndCommitIfDue(true, 200, 200);
		committer.startAlone(true, -2, -3);
		committer.finishAloneAndCommitIfDue(true, -2, -3);
		assertThat(committer.safePoint()).isEqualTo(Checkpoint.ofPosition(new LogPosition(-2, -2)));
		committer.startAlone(true, -2, -1);
		committer.finishAloneAndCommitIfDue(true, -2, -1);
		assertThat(committer.safePoint()).isEqualTo(Checkpoint.ofPosition(new LogPosition(-2, -1)));
		committer.commit();
		assertThat(this.store.stored).containsExactly(Checkpoint.ofPosition(new LogPosition(-2, -1)));
	}

	@Test
	void passedPositionsWaitBehindUnfinishedWork() {
		CheckpointCommitter committer = committer(1000, Duration.ofHours(1));
		committer.pass(at(1));
		assertThat(committer.safePoint()).isEqualTo(at(1));
		committer.start(at(2));
		committer.pass(at(3));
		assertThat(committer.safePoint()).isEqualTo(at(1));
		committer.finish(at(2));
		assertThat(committer.safePoint()).isEqualTo(at(3));
	}

	@Test
	void commitsEveryNFinishedEventsOrAfterTheInterval() {
		CheckpointCommitter committer = committer(3, Duration.ofSeconds(5));
		for (long revision = 0; revision < 2; revision++) {
			committer.start(at(revision));
			committer.finish(at(revision));
			committer.commitIfDue();
		}
		assertThat(this.store.stored).isEmpty();
		committer.start(at(2));
		committer.finish(at(2));
		committer.commitIfDue();
		assertThat(this.store.stored).containsExactly(at(2));

		committer.start(at(3));
		committer.finish(at(3));
		committer.commitIfDue();
		assertThat(this.store.stored).containsExactly(at(2));
		this.now.addAndGet(Duration.ofSeconds(5).toNanos());
		committer.commitIfDue();
		assertThat(this.store.stored).containsExactly(at(2), at(3));
	}

	@Test
	void finishingAndCommittingInOneCallUsesTheTimeItIsGivenNotTheClock() {
		long second = Duration.ofSeconds(1).toNanos();
		CheckpointCommitter committer = new CheckpointCommitter("s", this.store, 2, Duration.ofSeconds(5),
				Duration.ofSeconds(1), this.observer, this.now::get);
		// The clock says a commit is long due; the caller's own reading, a moment ago, says not yet.
		this.now.set(60 * second);
		committer.startAlone(false, 0, 0);
		assertThat(committer.finishAloneAndCommitIfDue(false, 0, 0, second / 2)).isEqualTo(5 * second);
		assertThat(committer.safePoint()).isEqualTo(at(0));
		assertThat(this.store.stored).isEmpty();
		// The N-th event, past the minimum interval by the time given: committed, nothing more to tell.
		committer.startAlone(false, 1, 0);
		assertThat(committer.finishAloneAndCommitIfDue(false, 1, 0, second)).isEqualTo(CheckpointCommitter.NO_NEWS);
		assertThat(this.store.stored).containsExactly(at(1));
		// Past T by the time given.
		committer.startAlone(false, 2, 0);
		committer.finishAloneAndCommitIfDue(false, 2, 0, 100 * second);
		assertThat(this.store.stored).containsExactly(at(1), at(2));
	}

	@Test
	void aHandlerOnTheClientsThreadReadsTheClockOnlyAtTheNthEventOrWhenTheWorkerAsks() {
		long second = Duration.ofSeconds(1).toNanos();
		AtomicInteger reads = new AtomicInteger();
		CheckpointCommitter committer = new CheckpointCommitter("s", this.store, 3, Duration.ofSeconds(5),
				Duration.ofSeconds(1), this.observer, () -> {
					reads.incrementAndGet();
					return this.now.get();
				});
		int atStart = reads.get();
		// Long past the interval T, yet no clock is read and nothing committed: only the time is told, once.
		this.now.set(60 * second);
		assertThat(alone(committer, 0)).isEqualTo(5 * second);
		assertThat(alone(committer, 1)).isEqualTo(CheckpointCommitter.NO_NEWS);
		assertThat(reads.get()).isEqualTo(atStart);
		assertThat(this.store.stored).isEmpty();
		// The N-th reads the clock, and commits since the minimum interval passed.
		assertThat(alone(committer, 2)).isEqualTo(CheckpointCommitter.NO_NEWS);
		assertThat(this.store.stored).containsExactly(at(2));
		// The N-th before the minimum interval passed: the new due time is told, for the worker to wake then.
		int afterCommit = reads.get();
		for (long revision = 3; revision < 5; revision++) {
			alone(committer, revision);
		}
		assertThat(alone(committer, 5)).isEqualTo(61 * second);
		assertThat(reads.get()).isEqualTo(afterCommit + 1);
		// The worker found it due while the handler ran and asked: the handler's next event commits, even one that
		// passes (a position no handler sees).
		this.now.set(61 * second);
		assertThat(committer.requestCommitIfDue()).isTrue();
		alone(committer, 6);
		assertThat(this.store.stored).containsExactly(at(2), at(6));
		// A request answered by a commit is gone: the next events read no clock again.
		int answered = reads.get();
		alone(committer, 7);
		assertThat(reads.get()).isEqualTo(answered);
		// Not due: nothing is asked. Due (T passed): a passed position makes it.
		assertThat(committer.requestCommitIfDue()).isFalse();
		committer.passAndCommitIfRequested(at(8));
		assertThat(this.store.stored).containsExactly(at(2), at(6));
		this.now.set(70 * second);
		assertThat(committer.requestCommitIfDue()).isTrue();
		committer.passAndCommitIfRequested(at(9));
		assertThat(this.store.stored).containsExactly(at(2), at(6), at(9));
	}

	@Test
	void commitsNothingTwiceAndKeepsAFailedCommitPending() {
		CheckpointCommitter committer = committer(1, Duration.ofHours(1));
		committer.start(at(0));
		committer.finish(at(0));
		this.store.failing = true;
		committer.commit();
		assertThat(committer.committed()).isNull();
		this.store.failing = false;
		committer.commit();
		committer.commit();
		assertThat(this.store.stored).containsExactly(at(0));
	}

	@Test
	void restoringStartsFromTheStoredCheckpointAndUnfinishedWorkCanBeDiscarded() {
		CheckpointCommitter committer = committer(1000, Duration.ofHours(1));
		committer.restore(at(9));
		assertThat(committer.safePoint()).isEqualTo(at(9));
		assertThat(committer.committed()).isEqualTo(at(9));
		committer.start(at(10));
		committer.discardUnfinished();
		// The resubscription delivers the event again after the safe point.
		committer.start(at(10));
		committer.finish(at(10));
		assertThat(committer.safePoint()).isEqualTo(at(10));
	}

	@Test
	void commitAndFlushWaitsForTheStore() {
		CheckpointCommitter committer = committer(1000, Duration.ofHours(1));
		committer.start(at(4));
		committer.finish(at(4));
		committer.commitAndFlush();
		assertThat(this.store.stored).containsExactly(at(4));
		assertThat(this.store.flushes).isEqualTo(1);
	}

	@Test
	void aPositionCommittedInTheHandlersTransactionIsNeverWrittenAgainOutsideIt() {
		CheckpointCommitter committer = committer(1, Duration.ofHours(1));
		committer.start(at(0));
		committer.finish(at(0));
		committer.committedInTransaction(at(0));
		committer.commitIfDue();
		committer.commitAndFlush();
		assertThat(this.store.stored).isEmpty();
		assertThat(committer.committed()).isEqualTo(at(0));
		assertThat(this.reported).containsExactly(at(0));
		// A later position no transaction committed (an event of another type) is committed by the committer.
		committer.pass(at(1));
		committer.commit();
		assertThat(this.store.stored).containsExactly(at(1));
	}

	private static final class RecordingStore implements CheckpointStore {

		final List<Checkpoint> stored = new ArrayList<>();

		boolean failing;

		int flushes;

		@Override
		public Optional<Checkpoint> load(String subscriptionId) {
			return Optional.empty();
		}

		@Override
		public void store(String subscriptionId, Checkpoint checkpoint) {
			if (this.failing) {
				throw new IllegalStateException("store is down");
			}
			this.stored.add(checkpoint);
		}

		@Override
		public void flush(String subscriptionId) {
			this.flushes++;
		}

	}

}
