package io.github.esdb.subscription.container;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import io.github.esdb.event.EventEnvelope;
import io.github.esdb.serialization.EventSerializationException;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.DefaultCatchUpErrorPolicy;
import io.github.esdb.subscription.DefaultPersistentErrorPolicy;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.ExceptionActions;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionStoppedException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error handler owns retries, back-off and recovery; the policies only decide.
 */
class SubscriptionErrorHandlerTests {

	private static final EventContext EVENT = new EventContext("s", new EventEnvelope("orders", 3, null,
			UUID.randomUUID(), "OrderPlaced", Instant.now(), Map.of(), new byte[0]), null);

	private final SubscriptionStatistics statistics = new SubscriptionStatistics();

	private final List<Throwable> reportedFailures = new ArrayList<>();

	private final List<String> reportedSkips = new ArrayList<>();

	private final List<Duration> sleeps = new ArrayList<>();

	private final SubscriptionObserver observer = new SubscriptionObserver() {

		@Override
		public void eventFailed(String subscriptionId, EventContext event, Throwable error) {
			SubscriptionErrorHandlerTests.this.reportedFailures.add(error);
		}

		@Override
		public void eventSkipped(String subscriptionId, EventContext event, String reason) {
			SubscriptionErrorHandlerTests.this.reportedSkips.add(reason);
		}

	};

	private SubscriptionErrorHandler handler(long retries, CatchUpErrorPolicy.Outcome outcome) {
		ContainerServices services = new ContainerServices(null, null, null, this.observer,
				new DefaultCatchUpErrorPolicy(new FixedBackOff(50, retries), outcome),
				new DefaultPersistentErrorPolicy(NackException.Action.RETRY), null, null, null, null, null, null, null);
		return new SubscriptionErrorHandler(SubscriptionEndpoint.toStream("s", "orders").handler((e, c) -> {
		}).build(), services, this.statistics);
	}

	private SubscriptionErrorHandler.Sleeper recordingSleeper(boolean stopRequested) {
		return (delay) -> {
			this.sleeps.add(delay);
			return stopRequested;
		};
	}

	private static SubscriptionErrorHandler.Attempt failingTimes(AtomicInteger calls, int failures,
			RuntimeException error) {
		return () -> {
			if (calls.incrementAndGet() <= failures) {
				throw error;
			}
		};
	}

	@Test
	void catchUpRetriesInPlaceWithTheBackOffUntilTheHandlerSucceeds() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionErrorHandler.Outcome outcome = handler(3, CatchUpErrorPolicy.Outcome.STOP).handleInPlace(
				failingTimes(calls, 2, new IllegalStateException("db down")), EVENT, recordingSleeper(false));
		assertThat(outcome).isInstanceOf(SubscriptionErrorHandler.Handled.class);
		assertThat(calls).hasValue(3);
		assertThat(this.sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(50));
		assertThat(this.statistics.failedCount()).isEqualTo(2);
		assertThat(this.reportedFailures).hasSize(2);
		assertThat(this.statistics.lastError().message()).isEqualTo("IllegalStateException: db down");
	}

	@Test
	void catchUpAppliesThePolicysOutcomeOnceRetriesAreExhausted() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionErrorHandler.Outcome stopped = handler(2, CatchUpErrorPolicy.Outcome.STOP).handleInPlace(
				failingTimes(calls, 100, new IllegalStateException("boom")), EVENT, recordingSleeper(false));
		assertThat(stopped).isInstanceOfSatisfying(SubscriptionErrorHandler.Failed.class,
				(failed) -> assertThat(failed.cause()).hasMessage("boom"));
		assertThat(calls).hasValue(3);

		calls.set(0);
		SubscriptionErrorHandler.Outcome skipped = handler(1, CatchUpErrorPolicy.Outcome.SKIP).handleInPlace(
				failingTimes(calls, 100, new IllegalStateException("boom")), EVENT, recordingSleeper(false));
		assertThat(skipped).isInstanceOf(SubscriptionErrorHandler.Skipped.class);
		assertThat(calls).hasValue(2);
		assertThat(this.statistics.skippedCount()).isEqualTo(1);
		assertThat(this.reportedSkips).hasSize(1);
	}

	@Test
	void catchUpNeverRetriesWhatCannotBeRead() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionErrorHandler.Outcome outcome = handler(5, CatchUpErrorPolicy.Outcome.SKIP).handleInPlace(
				failingTimes(calls, 100, new EventSerializationException("not JSON", null)), EVENT,
				recordingSleeper(false));
		assertThat(outcome).isInstanceOf(SubscriptionErrorHandler.Skipped.class);
		assertThat(calls).hasValue(1);
		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void catchUpNacksDecideForThemselves() {
		SubscriptionErrorHandler handler = handler(3, CatchUpErrorPolicy.Outcome.SKIP);
		AtomicInteger calls = new AtomicInteger();
		assertThat(handler.handleInPlace(failingTimes(calls, 1, NackException.retry("later")), EVENT,
				recordingSleeper(false)))
			.isInstanceOf(SubscriptionErrorHandler.Handled.class);
		assertThat(calls).hasValue(2);
		assertThat(handler.handleInPlace(() -> {
			throw NackException.park("bad");
		}, EVENT, recordingSleeper(false))).isInstanceOfSatisfying(SubscriptionErrorHandler.Park.class,
				(park) -> assertThat(park.reason()).isEqualTo("bad"));
		assertThat(handler.handleInPlace(() -> {
			throw NackException.skip("ignore");
		}, EVENT, recordingSleeper(false))).isInstanceOf(SubscriptionErrorHandler.Skipped.class);
		assertThat(handler.handleInPlace(() -> {
			throw NackException.stop("halt");
		}, EVENT, recordingSleeper(false))).isInstanceOf(SubscriptionErrorHandler.Failed.class);
		// A park is reported once the event is in the dead-letter stream, by the subscriber.
		assertThat(this.reportedSkips).containsExactly("ignore");
	}

	@Test
	void catchUpRetriesEndWhenAStopIsRequested() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionErrorHandler.Outcome outcome = handler(10, CatchUpErrorPolicy.Outcome.SKIP).handleInPlace(
				failingTimes(calls, 100, new IllegalStateException("boom")), EVENT, recordingSleeper(true));
		assertThat(outcome).isInstanceOf(SubscriptionErrorHandler.Stopped.class);
		assertThat(calls).hasValue(1);
	}

	@Test
	void errorsFailAtOnceForBothKinds() {
		SubscriptionErrorHandler handler = handler(10, CatchUpErrorPolicy.Outcome.SKIP);
		SubscriptionErrorHandler.Attempt error = () -> {
			throw new OutOfMemoryError("heap");
		};
		assertThat(handler.handleInPlace(error, EVENT, recordingSleeper(false)))
			.isInstanceOf(SubscriptionErrorHandler.Failed.class);
		assertThat(handler.handleOnce(error, EVENT, recordingSleeper(false))).isInstanceOf(SubscriptionErrorHandler.Failed.class);
		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void persistentFailuresBecomeTheNackToSend() {
		SubscriptionErrorHandler handler = handler(10, CatchUpErrorPolicy.Outcome.SKIP);
		assertThat(handler.handleOnce(() -> {
		}, EVENT, recordingSleeper(false))).isInstanceOf(SubscriptionErrorHandler.Handled.class);
		assertThat(handler.handleOnce(() -> {
			throw NackException.skip("not mine");
		}, EVENT, recordingSleeper(false))).isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class,
				(nack) -> assertThat(nack.nack().getAction()).isEqualTo(NackException.Action.SKIP));
		assertThat(handler.handleOnce(() -> {
			throw new EventSerializationException("not JSON", null);
		}, EVENT, recordingSleeper(false))).isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class,
				(nack) -> assertThat(nack.nack().getAction()).isEqualTo(NackException.Action.PARK));
		assertThat(handler.handleOnce(() -> {
			throw new IllegalStateException("db down");
		}, EVENT, recordingSleeper(false))).isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class, (nack) -> {
			assertThat(nack.nack().getAction()).isEqualTo(NackException.Action.RETRY);
			assertThat(nack.nack().getReason()).isEqualTo("IllegalStateException: db down");
		});
		assertThat(this.statistics.failedCount()).isEqualTo(2);
		assertThat(this.sleeps).isEmpty();
	}

	private SubscriptionErrorHandler mapped(Map<Class<? extends Throwable>, NackException.Action> actions,
			BackOff persistentBackOff) {
		ExceptionActions declared = new ExceptionActions(actions);
		ContainerServices services = new ContainerServices(null, null, null, this.observer,
				new DefaultCatchUpErrorPolicy(new FixedBackOff(50, 3), CatchUpErrorPolicy.Outcome.STOP, declared,
						Map.of()),
				new DefaultPersistentErrorPolicy(NackException.Action.RETRY, persistentBackOff, declared, Map.of()),
				null, null, null, null, null, null, null);
		return new SubscriptionErrorHandler(SubscriptionEndpoint.toStream("s", "orders").handler((e, c) -> {
		}).build(), services, this.statistics);
	}

	private static EventContext delivery(int retryCount) {
		return new EventContext("s", EVENT.event(), retryCount);
	}

	@Test
	void catchUpAppliesTheActionDeclaredForTheExceptionAtOnce() {
		SubscriptionErrorHandler handler = mapped(Map.of(IllegalArgumentException.class, NackException.Action.PARK,
				UnsupportedOperationException.class, NackException.Action.SKIP), new FixedBackOff(0, 0));
		AtomicInteger calls = new AtomicInteger();
		assertThat(handler.handleInPlace(failingTimes(calls, 100, new NumberFormatException("x")), EVENT,
				recordingSleeper(false)))
			.isInstanceOfSatisfying(SubscriptionErrorHandler.Park.class, (park) -> {
				assertThat(park.reason()).isEqualTo("NumberFormatException: x");
				assertThat(park.retries()).isZero();
			});
		assertThat(calls).hasValue(1);
		assertThat(handler.handleInPlace(() -> {
			throw new UnsupportedOperationException("nope");
		}, EVENT, recordingSleeper(false))).isInstanceOf(SubscriptionErrorHandler.Skipped.class);
		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void persistentRetriesWaitTheBackOffOfTheirRedeliveryThenPark() {
		ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
		backOff.setMaxInterval(300);
		backOff.setMaxAttempts(3);
		SubscriptionErrorHandler handler = mapped(Map.of(IllegalArgumentException.class, NackException.Action.SKIP),
				backOff);
		SubscriptionErrorHandler.Attempt failing = () -> {
			throw new IllegalStateException("down");
		};
		for (int retryCount = 0; retryCount < 3; retryCount++) {
			assertThat(handler.handleOnce(failing, delivery(retryCount), recordingSleeper(false)))
				.isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class,
						(nack) -> assertThat(nack.nack().getAction()).isEqualTo(NackException.Action.RETRY));
		}
		assertThat(this.sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
				Duration.ofMillis(300));
		assertThat(handler.handleOnce(failing, delivery(3), recordingSleeper(false)))
			.isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class, (nack) -> {
				assertThat(nack.nack().getAction()).isEqualTo(NackException.Action.PARK);
				assertThat(nack.nack().getReason()).isEqualTo("Retried 3 times; IllegalStateException: down");
			});
		assertThat(handler.handleOnce(() -> {
			throw new IllegalArgumentException("bad");
		}, delivery(0), recordingSleeper(false))).isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class,
				(nack) -> assertThat(nack.nack().getAction()).isEqualTo(NackException.Action.SKIP));
		assertThat(handler.handleOnce(failing, delivery(1), recordingSleeper(true)))
			.isInstanceOf(SubscriptionErrorHandler.Stopped.class);
	}


	@Test
	void aLostRightToHandleStopsBothKindsWithoutRetrySkipOrPark() {
		SubscriptionErrorHandler catchUp = handler(5, CatchUpErrorPolicy.Outcome.PARK);
		AtomicInteger calls = new AtomicInteger();
		SubscriptionErrorHandler.Outcome inPlace = catchUp.handleInPlace(
				failingTimes(calls, 10, new IllegalStateException("commit failed",
						new SubscriptionStoppedException("lease lost"))),
				EVENT, recordingSleeper(false));
		assertThat(inPlace).isInstanceOf(SubscriptionErrorHandler.Stopped.class);
		assertThat(calls).hasValue(1);
		assertThat(this.sleeps).isEmpty();
		assertThat(this.reportedSkips).isEmpty();
		SubscriptionErrorHandler.Outcome once = catchUp.handleOnce(() -> {
			throw new SubscriptionStoppedException("lease lost");
		}, EVENT, recordingSleeper(false));
		assertThat(once).isInstanceOf(SubscriptionErrorHandler.Stopped.class);
	}

	@Test
	void reasonsKeepNoCredentials() {
		IllegalStateException secret = new IllegalStateException(
				"cannot reach esdb://admin:changeit@db:2113 with password=hunter2");
		SubscriptionErrorHandler.Outcome parked = handler(0, CatchUpErrorPolicy.Outcome.PARK)
			.handleInPlace(failingTimes(new AtomicInteger(), 1, secret), EVENT, recordingSleeper(false));
		assertThat(parked).isInstanceOfSatisfying(SubscriptionErrorHandler.Park.class,
				(park) -> assertThat(park.reason()).contains("esdb://***@db:2113", "password=***")
					.doesNotContain("changeit", "hunter2"));
		SubscriptionErrorHandler.Outcome nacked = handler(0, CatchUpErrorPolicy.Outcome.PARK).handleOnce(() -> {
			throw secret;
		}, EVENT, recordingSleeper(false));
		assertThat(nacked).isInstanceOfSatisfying(SubscriptionErrorHandler.Nack.class,
				(nack) -> assertThat(nack.nack().getReason()).doesNotContain("changeit", "hunter2"));
	}

}
