package io.github.esdb.subscription;

/**
 * One of the segments a coordinated catch-up subscription with a concurrency of N is split into across application
 * instances: segment {@code index} handles the events whose partition (the hash of their
 * {@linkplain PartitionKeyResolver partition key}, as concurrent handling inside one instance computes it) is
 * {@code index}, one at a time, under a lease and with a checkpoint of its own.
 *
 * @param index which segment, from 0 to {@code count - 1}, equal to the partition it handles
 * @param count how many segments the subscription has (its concurrency)
 */
public record Segment(int index, int count) {

	public Segment {
		if (count < 2 || index < 0 || index >= count) {
			throw new IllegalArgumentException("A segment is one of at least 2 (0 to count - 1), but is " + index
					+ " of " + count);
		}
	}

	/**
	 * The id of this segment's lease, checkpoint and parked stream: {@code <subscription id>/segment-<i>-of-<n>}.
	 * The count is part of it, so that a deployment with another concurrency never mixes the positions of two
	 * different splits.
	 * @param subscriptionId the subscription's id
	 * @return the segment's id
	 */
	public String idOf(String subscriptionId) {
		return subscriptionId + "/segment-" + this.index + "-of-" + this.count;
	}

}
