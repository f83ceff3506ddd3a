package io.github.esdb.embedded.persistent;

import java.util.List;

/**
 * A point-in-time view of a group for GetInfo and List.
 *
 * @param definition the group's definition
 * @param status the real server's state flags as text ({@code Live}, {@code Behind}, ...)
 * @param averagePerSecond events pushed per second since the previous measurement
 * @param totalItems events pushed since the group started
 * @param countSinceLastMeasurement events pushed since the previous measurement
 * @param lastCheckpointedPosition the last checkpoint, or null
 * @param lastKnownPosition the position of the last event read, or null
 * @param readBufferCount buffered events read while catching up
 * @param liveBufferCount buffered events read while live
 * @param retryBufferCount events waiting to be retried
 * @param inFlightCount events delivered and not yet acked, over all connections
 * @param outstandingCount events the group tracks as outstanding
 * @param parkedCount events parked and not yet replayed
 * @param connections one entry per connected subscriber
 */
public record GroupInfo(GroupDefinition definition, String status, int averagePerSecond, long totalItems,
		long countSinceLastMeasurement, Long lastCheckpointedPosition, Long lastKnownPosition, int readBufferCount,
		long liveBufferCount, int retryBufferCount, int inFlightCount, int outstandingCount, long parkedCount,
		List<Connection> connections) {

	/**
	 * One connected subscriber.
	 *
	 * @param from the peer address
	 * @param username the authenticated user, empty when anonymous
	 * @param averageItemsPerSecond events pushed to it per second since the previous measurement
	 * @param totalItems events pushed to it
	 * @param countSinceLastMeasurement events pushed to it since the previous measurement
	 * @param availableSlots how many more events it may have in flight
	 * @param inFlightMessages events delivered to it and not yet acked
	 * @param connectionName the {@code connection-name} header, {@code <unknown>} when absent
	 */
	public record Connection(String from, String username, int averageItemsPerSecond, long totalItems,
			long countSinceLastMeasurement, int availableSlots, int inFlightMessages, String connectionName) {
	}

}
