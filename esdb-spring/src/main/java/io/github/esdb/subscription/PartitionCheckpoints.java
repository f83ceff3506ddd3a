package io.github.esdb.subscription;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The positions a concurrent transactional subscription's partitions committed, each the last event that partition
 * committed in its handler's transaction.
 *
 * @param partitionCount how many partitions the subscription had when it wrote them (events are assigned to
 * partitions by a hash of their key modulo this count)
 * @param positions the position of each partition that committed an event, by partition index (from 0)
 */
public record PartitionCheckpoints(int partitionCount, Map<Integer, Checkpoint> positions) {

	public PartitionCheckpoints {
		positions = Map.copyOf(positions);
	}

	/**
	 * The furthest position of any partition.
	 * @return the position, {@code null} when none committed
	 */
	public @Nullable Checkpoint furthest() {
		Checkpoint furthest = null;
		for (Checkpoint position : this.positions.values()) {
			if (position.isAfter(furthest)) {
				furthest = position;
			}
		}
		return furthest;
	}

}
