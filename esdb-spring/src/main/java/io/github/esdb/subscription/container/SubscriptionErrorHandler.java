package io.github.esdb.subscription.container;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;

import io.github.esdb.serialization.EventSerializationException;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.ErrorMessages;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionStoppedException;

/**
 * Owns what happens when a handler throws, for both kinds of subscription: it counts and reports each failed
 * attempt, retries a catch-up event in place with the policy's back-off, and turns a failure into the outcome the
 * container carries out (move past, stop, or the nack a persistent group acts on). The policies only decide; this
 * class acts (in the way of Spring Kafka's {@code DefaultErrorHandler} and its {@code FailedRecordTracker}).
 */
final class SubscriptionErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionErrorHandler.class);

	/** What the container does with the event. */
	sealed interface Outcome permits Handled, Skipped, Park, Nack, Failed, Stopped {
	}

	/** The handler returned (or no handler takes the type). */
	record Handled() implements Outcome {
	}

	/** Move past the event without handling it. */
	record Skipped() implements Outcome {
	}

	/**
	 * Catch-up: append the event to the dead-letter stream, then move past it.
	 * @param reason why
	 * @param error what the handler threw last, {@code null} if nothing
	 * @param retries how often it was retried before
	 */
	record Park(String reason, @Nullable Throwable error, int retries) implements Outcome {

		/** The reason is stored with the parked event and logged: no credentials in it. */
		Park {
			reason = ErrorMessages.mask(reason);
		}

	}

	/** Persistent: send this nack. */
	record Nack(NackException nack) implements Outcome {
	}

	/** Stop the subscription as FAILED; the event is not passed. */
	record Failed(Throwable cause) implements Outcome {
	}

	/**
	 * A stop was requested while the event was retried, or the handling ended with a
	 * {@link SubscriptionStoppedException} (this instance may no longer handle the subscription); it stays
	 * unhandled.
	 */
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
	 * skip, park or stop as the policy says. An action the policy declares for the exception's class applies at
	 * once. A {@link NackException} decides for itself: retry goes on retrying, skip moves past, park moves the event
	 * to the dead-letter stream, stop fails the subscription.
	 * @param attempt the handler call
	 * @param context the event
	 * @param sleeper sleeps between attempts
	 * @return what to do with the event
	 */
	Outcome handleInPlace(Attempt attempt, EventContext context, Sleeper sleeper) {
		BackOffExecution backOff = null;
		Throwable lastFailure = null;
		int retries = 0;
		while (true) {
			try {
				attempt.run();
				return HANDLED;
			}
			catch (NackException ex) {
				if (stoppedBy(ex)) {
					return stopped(context, ex);
				}
				lastFailure = ex;
				if (ex.getAction() != NackException.Action.RETRY) {
					return refusedInPlace(ex, context, retries);
				}
				failedAttempt(context, ex);
			}
			catch (Exception ex) {
				if (stoppedBy(ex)) {
					return stopped(context, ex);
				}
				lastFailure = ex;
				failedAttempt(context, ex);
				NackException.Action declared = this.catchUpPolicy.actionFor(this.endpoint, ex);
				if (declared != null && declared != NackException.Action.RETRY) {
					return refusedInPlace(new NackException(declared, describe(ex), ex), context, retries);
				}
				if (declared == null && !this.catchUpPolicy.isRetryable(ex)) {
					return exhausted(context, ex, retries);
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
				return exhausted(context, lastFailure, retries);
			}
			logger.debug("Subscription '{}' retries {} in {} ms", this.endpoint.id(), context, delay);
			if (sleeper.sleepUnlessStopped(Duration.ofMillis(delay))) {
				return new Stopped();
			}
			retries++;
		}
	}

	/**
	 * Persistent: call the handler once; the server redelivers, so a failure becomes the nack to send. A
	 * {@link NackException} names its own action, an event that cannot be read is parked at once, and anything else
	 * goes to the policy. Before a {@code retry} nack the container waits as the policy's back-off says for this
	 * redelivery, so that a short outage of a downstream service does not use up the retries at once; once the
	 * back-off stops, the event is parked instead.
	 * @param attempt the handler call
	 * @param context the event
	 * @param sleeper waits before a retry nack unless a stop is requested
	 * @return handled, the nack to send, stopped (while waiting) or failed for an {@link Error}
	 */
	Outcome handleOnce(Attempt attempt, EventContext context, Sleeper sleeper) {
		NackException nack;
		try {
			attempt.run();
			return HANDLED;
		}
		catch (NackException ex) {
			if (stoppedBy(ex)) {
				return stopped(context, ex);
			}
			nack = ex;
		}
		catch (EventSerializationException ex) {
			failedAttempt(context, ex);
			// Retrying cannot make unreadable bytes readable: park at once, with the reason for whoever replays it.
			return new Nack(new NackException(NackException.Action.PARK, ErrorMessages.mask(ex.getMessage()), ex));
		}
		catch (Exception ex) {
			if (stoppedBy(ex)) {
				return stopped(context, ex);
			}
			failedAttempt(context, ex);
			nack = this.persistentPolicy.decide(this.endpoint, context, ex);
		}
		catch (Error ex) {
			failedAttempt(context, ex);
			return new Failed(ex);
		}
		if (nack.getAction() != NackException.Action.RETRY) {
			return new Nack(nack);
		}
		return backOffBeforeRetry(nack, context, sleeper);
	}

	/**
	 * The wait before the n-th redelivery is the n-th interval of a fresh back-off execution (n being the retry
	 * count the server sent with this delivery); when the execution stops, the retries are used up.
	 */
	private Outcome backOffBeforeRetry(NackException nack, EventContext context, Sleeper sleeper) {
		int retryCount = (context.retryCount() != null) ? context.retryCount() : 0;
		BackOffExecution execution = this.persistentPolicy.retryBackOff(this.endpoint).start();
		long delay = 0;
		for (int i = 0; i <= retryCount; i++) {
			delay = execution.nextBackOff();
			if (delay == BackOffExecution.STOP) {
				logger.warn("Subscription '{}' parks {}: it was retried {} times", this.endpoint.id(), context,
						retryCount);
				return new Nack(new NackException(NackException.Action.PARK,
						"Retried " + retryCount + " times; " + ErrorMessages.mask(nack.getReason()), nack.getCause()));
			}
		}
		if (delay > 0) {
			logger.debug("Subscription '{}' nacks {} for a retry in {} ms", this.endpoint.id(), context, delay);
			if (sleeper.sleepUnlessStopped(Duration.ofMillis(delay))) {
				return new Stopped();
			}
		}
		return new Nack(nack);
	}

	private void failedAttempt(EventContext context, Throwable error) {
		this.statistics.failed();
		this.statistics.error(error);
		this.services.observer().eventFailed(this.endpoint.id(), context, error);
	}

	private Outcome refusedInPlace(NackException ex, EventContext context, int retries) {
		if (ex.getAction() == NackException.Action.STOP) {
			logger.error("Subscription '{}' stops: the handler refused {} ({})", this.endpoint.id(), context,
					ex.getReason());
			this.statistics.error(ex);
			return new Failed(ex);
		}
		if (ex.getAction() == NackException.Action.PARK) {
			return new Park(ex.getReason(), (ex.getCause() != null) ? ex.getCause() : ex, retries);
		}
		logger.warn("Subscription '{}' skips {}: {} ({})", this.endpoint.id(), context,
				(ex.getCause() != null) ? "its exception is mapped to skip" : "the handler asked to skip it",
				ex.getReason());
		skip(context, ex.getReason());
		return SKIPPED;
	}

	private Outcome exhausted(EventContext context, @Nullable Throwable error, int retries) {
		CatchUpErrorPolicy.Outcome outcome = this.catchUpPolicy.onRetriesExhausted(this.endpoint, context, error);
		if (outcome == CatchUpErrorPolicy.Outcome.SKIP) {
			logger.error("Subscription '{}' skips {} after it failed", this.endpoint.id(), context, error);
			skip(context, ErrorMessages.mask(String.valueOf(error)));
			return SKIPPED;
		}
		if (outcome == CatchUpErrorPolicy.Outcome.PARK) {
			return new Park((error != null) ? describe(error) : "failed", error, retries);
		}
		logger.error("Subscription '{}' stops: the handler failed on {}; fix the cause and restart it",
				this.endpoint.id(), context, error);
		return new Failed(error);
	}

	private static String describe(Throwable error) {
		return ErrorMessages.summary(error);
	}

	/**
	 * Whether the handling failed because this instance may no longer handle the subscription (a lost lease),
	 * possibly wrapped (by a transaction, by an interceptor): then no retry, skip or park may touch the event.
	 */
	private static boolean stoppedBy(Throwable error) {
		for (Throwable cause = error; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SubscriptionStoppedException) {
				return true;
			}
		}
		return false;
	}

	private Outcome stopped(EventContext context, Exception ex) {
		// The snapshot's last error says why the worker stopped (for example the fencing that refused its commit).
		this.statistics.error(ex);
		logger.warn("Subscription '{}' stops handling here and leaves {} to whoever handles it next: {}",
				this.endpoint.id(), context, ErrorMessages.mask(String.valueOf(ex.getMessage())));
		return new Stopped();
	}

	private void skip(EventContext context, String reason) {
		this.statistics.skipped();
		this.services.observer().eventSkipped(this.endpoint.id(), context, reason);
	}

}
