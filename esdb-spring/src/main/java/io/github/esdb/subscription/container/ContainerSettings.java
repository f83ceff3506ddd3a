package io.github.esdb.subscription.container;

import java.time.Duration;


/**
 * The tuning all containers share, from {@code esdb.subscriptions.*}.
 *
 * @param catchUpBatchSize how many events the client requests from the server at once; also the local queue size
 * @param checkpointEveryEvents commit a catch-up checkpoint after this many events
 * @param checkpointEvery commit a catch-up checkpoint at least this often while events arrive or after idle
 * @param checkpointStreamPrefix prefix of the default store's checkpoint streams, skipped by {@code $all}
 * subscriptions
 * @param subscribeTimeout how long to wait for the server to confirm a subscription
 * @param autoCreateGroups whether missing persistent groups are created
 * @param persistentBufferSize default buffer size of persistent subscriptions
 * @param resubscribe back-off between resubscription attempts
 */
public record ContainerSettings(int catchUpBatchSize, int checkpointEveryEvents, Duration checkpointEvery,
		String checkpointStreamPrefix, Duration subscribeTimeout, boolean autoCreateGroups, int persistentBufferSize,
		Resubscribe resubscribe) {

	/**
	 * Exponential back-off with jitter between resubscription attempts.
	 *
	 * @param initialInterval the first delay
	 * @param maxInterval the largest delay
	 * @param multiplier growth per attempt
	 * @param jitter random spread as a fraction of the delay (0.2 = plus or minus 20%)
	 */
	public record Resubscribe(Duration initialInterval, Duration maxInterval, double multiplier, double jitter) {

		/**
		 * The delay before an attempt.
		 * @param attempt 1 for the first attempt
		 * @param random a random number in [0, 1)
		 * @return the delay
		 */
		public Duration delay(int attempt, double random) {
			double base = this.initialInterval.toMillis() * Math.pow(this.multiplier, Math.max(0, attempt - 1));
			double capped = Math.min(base, this.maxInterval.toMillis());
			double spread = capped * this.jitter * (2 * random - 1);
			return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
		}

	}

	/** Settings for tests and programmatic use. */
	public static ContainerSettings defaults() {
		return new ContainerSettings(128, 100, Duration.ofSeconds(5), "$esdb-checkpoint-", Duration.ofSeconds(10),
				true, 10, new Resubscribe(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.2));
	}


}
