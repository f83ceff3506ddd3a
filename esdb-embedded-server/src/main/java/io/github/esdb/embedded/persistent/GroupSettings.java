package io.github.esdb.embedded.persistent;

/**
 * The tunable settings of a persistent subscription group, as sent in {@code CreateReq.Settings} /
 * {@code UpdateReq.Settings} and echoed by GetInfo.
 *
 * @param resolveLinks whether {@code $>} links are delivered resolved
 * @param extraStatistics whether per-connection measurements are kept (echoed only)
 * @param messageTimeoutMs how long a delivered event may stay un-acked before it is retried; 0 or less means never
 * @param maxRetryCount deliveries beyond this retry count park the event instead
 * @param liveBufferSize how many events are buffered while the group is live; 0 or less reads live events through
 * the history buffer, as the real server falls behind at once
 * @param historyBufferSize how many events are buffered while the group catches up
 * @param readBatchSize how many events one read from the store fetches
 * @param checkpointAfterMs minimum time between checkpoints, unless {@code maxCheckpointCount} is reached
 * @param minCheckpointCount events processed before a time-based checkpoint may be written
 * @param maxCheckpointCount events processed after which a checkpoint is written at once
 * @param maxSubscriberCount maximum connected subscribers, 0 for unlimited; a negative count refuses everyone, as on
 * the real server
 * @param consumerStrategy one of {@link ConsumerStrategy#NAMES}
 */
public record GroupSettings(boolean resolveLinks, boolean extraStatistics, int messageTimeoutMs, int maxRetryCount,
		int liveBufferSize, int historyBufferSize, int readBatchSize, int checkpointAfterMs, int minCheckpointCount,
		int maxCheckpointCount, int maxSubscriberCount, String consumerStrategy) {

	/**
	 * The client's defaults ({@code PersistentSubscriptionSettings.defaultCommon}), handy for tests.
	 * @return default settings with the RoundRobin strategy
	 */
	public static GroupSettings defaults() {
		return new GroupSettings(false, false, 30_000, 10, 500, 500, 20, 2_000, 10, 1_000, 0,
				ConsumerStrategy.ROUND_ROBIN);
	}

	/**
	 * Checks the rules the real server enforces on create and update: the strategy must exist and the read batch
	 * must be smaller than the history buffer. Nothing else is checked there, so zero or negative counts the client
	 * lets through (read batch, live buffer, checkpoint counts, retries, subscribers, timeouts) are accepted.
	 * @return the failure reason, or null when valid
	 */
	public String validate() {
		if (!ConsumerStrategy.NAMES.contains(this.consumerStrategy)) {
			return "Consumer strategy " + this.consumerStrategy + " does not exist.";
		}
		if (this.readBatchSize >= this.historyBufferSize) {
			return "Read Batch Size must be smaller than Buffer Size";
		}
		return null;
	}

}
