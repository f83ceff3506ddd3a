package io.github.esdb.embedded.persistent;

import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.SubscriptionInfo;

/**
 * Maps {@link GroupInfo} to the wire {@code SubscriptionInfo}, with the exact strings the client parses: positions
 * as a revision or {@code C:<commit>/P:<prepare>}, empty when unknown.
 */
final class InfoMapper {

	private InfoMapper() {
	}

	static SubscriptionInfo toWire(GroupInfo info) {
		GroupDefinition definition = info.definition();
		GroupSettings settings = definition.settings();
		SubscriptionInfo.Builder builder = SubscriptionInfo.newBuilder()
			.setEventSource(definition.stream())
			.setGroupName(definition.group())
			.setStatus(info.status())
			.setAveragePerSecond(info.averagePerSecond())
			.setTotalItems(info.totalItems())
			.setCountSinceLastMeasurement(info.countSinceLastMeasurement())
			.setLastCheckpointedEventPosition(position(definition, info.lastCheckpointedPosition()))
			.setLastKnownEventPosition(position(definition, info.lastKnownPosition()))
			.setResolveLinkTos(settings.resolveLinks())
			.setStartFrom(definition.startFromText())
			.setMessageTimeoutMilliseconds(settings.messageTimeoutMs())
			.setExtraStatistics(settings.extraStatistics())
			.setMaxRetryCount(settings.maxRetryCount())
			.setLiveBufferSize(settings.liveBufferSize())
			.setBufferSize(settings.historyBufferSize())
			.setReadBatchSize(settings.readBatchSize())
			.setCheckPointAfterMilliseconds(settings.checkpointAfterMs())
			.setMinCheckPointCount(settings.minCheckpointCount())
			.setMaxCheckPointCount(settings.maxCheckpointCount())
			.setReadBufferCount(info.readBufferCount())
			.setLiveBufferCount(info.liveBufferCount())
			.setRetryBufferCount(info.retryBufferCount())
			.setTotalInFlightMessages(info.inFlightCount())
			.setOutstandingMessagesCount(info.outstandingCount())
			.setNamedConsumerStrategy(settings.consumerStrategy())
			.setMaxSubscriberCount(settings.maxSubscriberCount())
			.setParkedMessageCount(info.parkedCount());
		for (GroupInfo.Connection connection : info.connections()) {
			builder.addConnections(SubscriptionInfo.ConnectionInfo.newBuilder()
				.setFrom(connection.from())
				.setUsername(connection.username())
				.setAverageItemsPerSecond(connection.averageItemsPerSecond())
				.setTotalItems(connection.totalItems())
				.setCountSinceLastMeasurement(connection.countSinceLastMeasurement())
				.setAvailableSlots(connection.availableSlots())
				.setInFlightMessages(connection.inFlightMessages())
				.setConnectionName(connection.connectionName()));
		}
		return builder.build();
	}

	private static String position(GroupDefinition definition, Long position) {
		return (position != null) ? definition.positionText(position) : "";
	}

}
