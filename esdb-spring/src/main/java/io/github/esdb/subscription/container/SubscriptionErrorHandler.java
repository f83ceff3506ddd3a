package io.github.esdb.subscription.container;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;

import io.github.esdb.serialization.EventSerializationException;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * Owns what happens when a handler throws, for both kinds of subscription: it counts and reports each failed
 * attempt, retries a catch-up event in place with the policy's back-off, and turns a failure into the outcome the
 * container carries out (move past, stop, or the nack a persistent group acts on). The policies only decide; this
 * class acts (in the way of Spring Kafka's {@code DefaultErrorHandler} and its {@code FailedRecordTracker}).
 */
final class SubscriptionErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionErrorHandler.class);

	/** What the container does with the event. */
	sealed interface Outcome permits Handled, Skipped, Nack, Failed, Stopped {
	}

	/** The handler returned (or no handler takes the type). */
	record Handled() implements Outcome {
	}

	/** Move past the event without handling it. */
	record Skipped() implements Outcome {
	}

	/** Persistent: send this nack. */
	record Nack(NackException nack) implements Outcome {
	}

	/** Stop the subscription as FAILED; the event is not passed. */
	record Failed(Throwable cause) implements Outcome {
	}

	/** A stop was requested while the event was retried; it stays unhandled. */
	record Stopped() implements Outcome {
	}

	/** Lets a retry loop sleep unless the subscription is asked to stop. */
	@FunctionalInterface
	interface Sleeper {

		/**
		 * Sleep unless a stop is requested.
		 * @param delay how long
		 * @return true if a stop was requested
		 */
		boolean sleepUnlessStopped(Duration delay);

	}

	/** One call of the handler. */
	@FunctionalInterface
	interface Attempt {

		void run() throws Exception;

	}

	private static final Outcome HANDLED = new Handled();

	private static final Outcome SKIPPED = new Skipped();

	private final SubscriptionEndpoint endpoint;

	private final CatchUpErrorPolicy catchUpPolicy;

	private final PersistentErrorPolicy persistentPolicy;

	private final SubscriptionStatistics statistics;

	private final ContainerServices services;

	SubscriptionErrorHandler(SubscriptionEndpoint endpoint, ContainerServices services,
			SubscriptionStatistics statistics) {
		this.endpoint = endpoint;
		this.services = services;
		this.catchUpPolicy = services.catchUpErrorPolicy();
		this.persistentPolicy = services.persistentErrorPolicy();
		this.statistics = statistics;
	}

	/**
	 * Catch-up: call the handler, retrying in place with the policy's back-off while the error is retryable; then
	 * skip or stop as the policy says. A {@link NackException} decides for itself: retry goes on retrying, skip and
	 * park move past (there is no parked stream), stop fails the subscription.
	 * @param attempt the handler call
	 * @param context the event
	 * @param sleeper sleeps between attempts
	 * @return what to do with the event
	 */
	Outcome handleInPlace(Attempt attempt, EventContext context, Sleeper sleeper) {
		BackOffExecution backOff = null;
		Throwable lastFailure = null;
		while (true) {
			try {
				attempt.run();
				return HANDLED;
			}
			catch (NackException ex) {
				lastFailure = ex;
				if (ex.getAction() != NackException.Action.RETRY) {
					return refusedInPlace(ex, context);
				}
				failedAttempt(context, ex);
			}
			catch (Exception ex) {
				lastFailure = ex;
				failedAttempt(context, ex);
				if (!this.catchUpPolicy.isRetryable(ex)) {
					return exhausted(context, ex);
				}
			}
			catch (Error ex) {
				failedAttempt(context, ex);
				return new Failed(ex);
			}
			if (backOff == null) {
				backOff = this.catchUpPolicy.retryBackOff(this.endpoint).start();
			}
			long delay = backOff.nextBackOff();
			if (delay == BackOffExecution.STOP) {
				return exhausted(context, lastFailure);
			}
			logger.debug("Subscription '{}' retries {} in {} ms", this.endpoint.id(), context, delay);
			if (sleeper.sleepUnlessStopped(Duration.ofMillis(delay))) {
				return new Stopped();
			}
		}
	}

	/**
	 * Persistent: call the handler once; the server redelivers, so a failure becomes the nack to send. A
	 * {@link NackException} names its own action, an event that cannot be read is parked at once, and anything else
	 * goes to the policy.
	 * @param attempt the handler call
	 * @param context the event
	 * @return handled, the nack to send, or failed for an {@link Error}
	 */
	Outcome handleOnce(Attempt attempt, EventContext context) {
		try {
			attempt.run();
			return HANDLED;
		}
		catch (NackException ex) {
			return new Nack(ex);
		}
		catch (EventSerializationException ex) {
			failedAttempt(context, ex);
			// Retrying cannot make unreadable bytes readable: park at once, with the reason for whoever replays it.
			return new Nack(new NackException(NackException.Action.PARK, ex.getMessage(), ex));
		}
		catch (Exception ex) {
			failedAttempt(context, ex);
			return new Nack(this.persistentPolicy.decide(this.endpoint, context, ex));
		}
		catch (Error ex) {
			failedAttempt(context, ex);
			return new Failed(ex);
		}
	}

	private void failedAttempt(EventContext context, Throwable error) {
		this.statistics.failed();
		this.statistics.error(error);
		this.services.observer().eventFailed(this.endpoint.id(), context, error);
	}

	private Outcome refusedInPlace(NackException ex, EventContext context) {
		if (ex.getAction() == NackException.Action.STOP) {
			logger.error("Subscription '{}' stops: the handler refused {} ({})", this.endpoint.id(), context,
					ex.getReason());
			this.statistics.error(ex);
			return new Failed(ex);
		}
		// A catch-up subscription has no parked stream; park and skip both move past, loudly.
		logger.warn("Subscription '{}' skips {}: the handler asked to {} it ({})", this.endpoint.id(), context,
				ex.getAction().name().toLowerCase(), ex.getReason());
		skip(context, ex.getReason());
		return SKIPPED;
	}

	private Outcome exhausted(EventContext context, @Nullable Throwable error) {
		CatchUpErrorPolicy.Outcome outcome = this.catchUpPolicy.onRetriesExhausted(this.endpoint, context, error);
		if (outcome == CatchUpErrorPolicy.Outcome.SKIP) {
			logger.error("Subscription '{}' skips {} after it failed", this.endpoint.id(), context, error);
			skip(context, String.valueOf(error));
			return SKIPPED;
		}
		logger.error("Subscription '{}' stops: the handler failed on {}; fix the cause and restart it",
				this.endpoint.id(), context, error);
		return new Failed(error);
	}

	private void skip(EventContext context, String reason) {
		this.statistics.skipped();
		this.services.observer().eventSkipped(this.endpoint.id(), context, reason);
	}

}
