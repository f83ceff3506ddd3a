package io.github.esdb.subscription.container;

import java.time.Duration;

/**
 * Exponential back-off with jitter between resubscription attempts.
 *
 * @param initialInterval the first delay
 * @param maxInterval the largest delay
 * @param multiplier growth per attempt
 * @param jitter random spread as a fraction of the delay (0.2 = plus or minus 20%)
 */
record ResubscribeBackOff(Duration initialInterval, Duration maxInterval, double multiplier, double jitter) {

	/**
	 * The delay before an attempt.
	 * @param attempt 1 for the first attempt
	 * @param random a random number in [0, 1)
	 * @return the delay
	 */
	Duration delay(int attempt, double random) {
		double base = this.initialInterval.toMillis() * Math.pow(this.multiplier, Math.max(0, attempt - 1));
		double capped = Math.min(base, this.maxInterval.toMillis());
		double spread = capped * this.jitter * (2 * random - 1);
		return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
	}

}
