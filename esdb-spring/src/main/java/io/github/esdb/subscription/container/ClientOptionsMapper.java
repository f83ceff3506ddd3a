package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.ObjIntConsumer;

import io.kurrent.dbclient.Checkpointer;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscriptionSettings;
import io.kurrent.dbclient.PersistentSubscriptionToAllSettings;
import io.kurrent.dbclient.PersistentSubscriptionToStreamSettings;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionFilterBuilder;
import io.kurrent.dbclient.UpdatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.UpdatePersistentSubscriptionToStreamOptions;
import org.jspecify.annotations.Nullable;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.ConsumerStrategy;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.PersistentSettings;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * The one place that turns the project's settings into the official client's options: where to start, which filter,
 * which group settings, which nack action. The client has a separate options type for each call with no common
 * interface, so each mapping is written once here against method references.
 */
final class ClientOptionsMapper {

	/** Server filter checkpoints come every multiplier x 32 scanned events. */
	private static final int SERVER_WINDOW = 32;

	private ClientOptionsMapper() {
	}

	/**
	 * Options of a catch-up subscription to {@code $all}.
	 * @param endpoint the subscription
	 * @param resumeAfter the position to resume after, or {@code null} to use the start position
	 * @param start where to start without a position
	 * @param batchSize how many events to request at once
	 * @param filter the server-side filter, or {@code null}
	 * @return the options
	 */
	static SubscribeToAllOptions catchUpToAll(SubscriptionEndpoint endpoint, @Nullable Checkpoint resumeAfter,
			StartPosition start, int batchSize, @Nullable SubscriptionFilter filter) {
		SubscribeToAllOptions options = SubscribeToAllOptions.get()
			.resolveLinkTos(endpoint.resolveLinks())
			.batchSize(batchSize);
		StartPosition from = (resumeAfter != null) ? resumeFrom(resumeAfter) : start;
		applyStart(from, true, options::fromStart, options::fromEnd, null,
				(position) -> options.fromPosition(position));
		if (filter != null) {
			options.filter(filter);
		}
		return options;
	}

	/**
	 * Where to subscribe to resume after a checkpoint: after its revision or position, or from the start for the
	 * checkpoint before the first event (which a reset to the start stores, and the server has no position for).
	 */
	private static StartPosition resumeFrom(Checkpoint resumeAfter) {
		if (resumeAfter.isBeforeFirst()) {
			return StartPosition.START;
		}
		return resumeAfter.isPosition() ? StartPosition.position(resumeAfter.position())
				: StartPosition.revision(resumeAfter.revision());
	}

	/**
	 * Options of a catch-up subscription to a stream.
	 * @param endpoint the subscription
	 * @param resumeAfter the revision to resume after, or {@code null} to use the start position
	 * @param start where to start without a revision
	 * @param batchSize how many events to request at once
	 * @return the options
	 */
	static SubscribeToStreamOptions catchUpToStream(SubscriptionEndpoint endpoint, @Nullable Checkpoint resumeAfter,
			StartPosition start, int batchSize) {
		SubscribeToStreamOptions options = SubscribeToStreamOptions.get()
			.resolveLinkTos(endpoint.resolveLinks())
			.batchSize(batchSize);
		StartPosition from = (resumeAfter != null) ? resumeFrom(resumeAfter) : start;
		applyStart(from, false, options::fromStart, options::fromEnd, options::fromRevision, null);
		return options;
	}

	/**
	 * Options that create a persistent subscription group to {@code $all}.
	 * @param endpoint the subscription
	 * @param filter the server-side filter, or {@code null}
	 * @return the options
	 */
	static CreatePersistentSubscriptionToAllOptions createGroupToAll(SubscriptionEndpoint endpoint,
			@Nullable EventFilterSpec filter) {
		CreatePersistentSubscriptionToAllOptions options = CreatePersistentSubscriptionToAllOptions.get();
		GroupSetters.CREATE_TO_ALL.apply(endpoint, options);
		if (endpoint.from() != null) {
			applyStart(endpoint.from(), true, options::fromStart, options::fromEnd, null, options::startFrom);
		}
		if (filter != null) {
			options.filter(filter(filter, null, 1));
		}
		return options;
	}

	/**
	 * Options that create a persistent subscription group to a stream.
	 * @param endpoint the subscription
	 * @return the options
	 */
	static CreatePersistentSubscriptionToStreamOptions createGroupToStream(SubscriptionEndpoint endpoint) {
		CreatePersistentSubscriptionToStreamOptions options = CreatePersistentSubscriptionToStreamOptions.get();
		GroupSetters.CREATE_TO_STREAM.apply(endpoint, options);
		if (endpoint.from() != null) {
			applyStart(endpoint.from(), false, options::fromStart, options::fromEnd, options::startFrom, null);
		}
		return options;
	}

	/**
	 * The client's filter for a filter spec.
	 * @param spec the filter
	 * @param checkpointer told of the server's checkpoints, or {@code null} for none
	 * @param checkpointEveryEvents roughly how many scanned events between two server checkpoints
	 * @return the filter
	 */
	static SubscriptionFilter filter(EventFilterSpec spec, @Nullable Checkpointer checkpointer,
			int checkpointEveryEvents) {
		SubscriptionFilterBuilder builder = SubscriptionFilter.newBuilder();
		// Never addPrefix: the 1.1.0 client sends a prefix as an unanchored regex and keeps only the last one.
		if (spec.onEventType()) {
			builder.withEventTypeRegularExpression(spec.regex());
		}
		else {
			builder.withStreamNameRegularExpression(spec.regex());
		}
		if (checkpointer != null) {
			builder.withCheckpointer(checkpointer, Math.max(1, checkpointEveryEvents / SERVER_WINDOW));
		}
		return builder.build();
	}

	/**
	 * The client's nack action.
	 * @param action the handler's action
	 * @return what the server is sent
	 */
	static NackAction nackAction(NackException.Action action) {
		return switch (action) {
			case PARK -> NackAction.Park;
			case RETRY -> NackAction.Retry;
			case SKIP -> NackAction.Skip;
			case STOP -> NackAction.Stop;
		};
	}

	/**
	 * The client's consumer strategy.
	 * @param strategy the project's strategy
	 * @return the client's
	 */
	static NamedConsumerStrategy consumerStrategy(ConsumerStrategy strategy) {
		return switch (strategy) {
			case ROUND_ROBIN -> NamedConsumerStrategy.ROUND_ROBIN;
			case DISPATCH_TO_SINGLE -> NamedConsumerStrategy.DISPATCH_TO_SINGLE;
			case PINNED -> NamedConsumerStrategy.PINNED;
			case PINNED_BY_CORRELATION -> NamedConsumerStrategy.PINNED_BY_CORRELATION;
		};
	}

	/**
	 * Options that update an existing group to {@code $all} to the declared settings (the start position is kept).
	 * @param endpoint the subscription
	 * @param server the group's settings on the server, the base the declaration changes
	 * @return the options
	 */
	static UpdatePersistentSubscriptionToAllOptions updateGroupToAll(SubscriptionEndpoint endpoint,
			PersistentSubscriptionToAllSettings server) {
		UpdatePersistentSubscriptionToAllOptions options = UpdatePersistentSubscriptionToAllOptions.from(server);
		GroupSetters.UPDATE_TO_ALL.apply(endpoint, options);
		return options;
	}

	/**
	 * Options that update an existing group to a stream to the declared settings (the start position is kept).
	 * @param endpoint the subscription
	 * @param server the group's settings on the server, the base the declaration changes
	 * @return the options
	 */
	static UpdatePersistentSubscriptionToStreamOptions updateGroupToStream(SubscriptionEndpoint endpoint,
			PersistentSubscriptionToStreamSettings server) {
		UpdatePersistentSubscriptionToStreamOptions options = UpdatePersistentSubscriptionToStreamOptions
			.from(server);
		GroupSetters.UPDATE_TO_STREAM.apply(endpoint, options);
		return options;
	}

	/**
	 * The declared group settings that differ from the server's, one line each.
	 * @param endpoint the subscription
	 * @param server the group's settings on the server
	 * @return e.g. {@code maxRetryCount: declared 5, server 10}; empty when they agree
	 */
	static List<String> drift(SubscriptionEndpoint endpoint, PersistentSubscriptionSettings server) {
		PersistentSettings declared = endpoint.persistentSettings();
		List<String> differences = new ArrayList<>();
		differs(differences, "resolveLinks", endpoint.resolveLinks(), server.isResolveLinkTos());
		differs(differences, "maxRetryCount", declared.maxRetryCount(), server.getMaxRetryCount());
		differs(differences, "messageTimeout", declared.messageTimeout(), server.getMessageTimeout());
		differs(differences, "consumerStrategy",
				(declared.consumerStrategy() != null) ? declared.consumerStrategy().serverName() : null,
				server.getNamedConsumerStrategy().toString());
		differs(differences, "readBatchSize", declared.readBatchSize(), server.getReadBatchSize());
		differs(differences, "liveBufferSize", declared.liveBufferSize(), server.getLiveBufferSize());
		differs(differences, "historyBufferSize", declared.historyBufferSize(), server.getHistoryBufferSize());
		differs(differences, "checkpointAfter", declared.checkpointAfter(), server.getCheckpointAfter());
		differs(differences, "minCheckpointCount", declared.minCheckpointCount(), server.getCheckpointLowerBound());
		differs(differences, "maxCheckpointCount", declared.maxCheckpointCount(), server.getCheckpointUpperBound());
		differs(differences, "maxSubscriberCount", declared.maxSubscriberCount(), server.getMaxSubscriberCount());
		differs(differences, "extraStatistics", declared.extraStatistics(), server.isExtraStatistics());
		return differences;
	}

	private static void differs(List<String> differences, String name, @Nullable Object declared, Object server) {
		if (declared != null && !declared.equals(server)) {
			differences.add(name + ": declared " + declared + ", server " + server);
		}
	}

	/**
	 * The group setters every options type of the client has, under one shape: the client declares them on a
	 * package-private base class, so they are reached through each public type's method references, and the
	 * mapping itself is written once in {@link #apply}.
	 */
	private record GroupSetters<T>(BiConsumer<T, Boolean> resolveLinks, ObjIntConsumer<T> maxRetryCount,
			BiConsumer<T, Duration> messageTimeout, BiConsumer<T, NamedConsumerStrategy> strategy,
			ObjIntConsumer<T> readBatchSize, ObjIntConsumer<T> liveBufferSize, ObjIntConsumer<T> historyBufferSize,
			BiConsumer<T, Duration> checkpointAfter, ObjIntConsumer<T> minCheckpointCount,
			ObjIntConsumer<T> maxCheckpointCount, ObjIntConsumer<T> maxSubscriberCount,
			BiConsumer<T, Boolean> extraStatistics) {

		static final GroupSetters<CreatePersistentSubscriptionToAllOptions> CREATE_TO_ALL = new GroupSetters<>(
				CreatePersistentSubscriptionToAllOptions::resolveLinkTos,
				CreatePersistentSubscriptionToAllOptions::maxRetryCount,
				CreatePersistentSubscriptionToAllOptions::messageTimeout,
				CreatePersistentSubscriptionToAllOptions::namedConsumerStrategy,
				CreatePersistentSubscriptionToAllOptions::readBatchSize,
				CreatePersistentSubscriptionToAllOptions::liveBufferSize,
				CreatePersistentSubscriptionToAllOptions::historyBufferSize,
				CreatePersistentSubscriptionToAllOptions::checkpointAfter,
				CreatePersistentSubscriptionToAllOptions::checkpointLowerBound,
				CreatePersistentSubscriptionToAllOptions::checkpointUpperBound,
				CreatePersistentSubscriptionToAllOptions::maxSubscriberCount,
				CreatePersistentSubscriptionToAllOptions::extraStatistics);

		static final GroupSetters<CreatePersistentSubscriptionToStreamOptions> CREATE_TO_STREAM = new GroupSetters<>(
				CreatePersistentSubscriptionToStreamOptions::resolveLinkTos,
				CreatePersistentSubscriptionToStreamOptions::maxRetryCount,
				CreatePersistentSubscriptionToStreamOptions::messageTimeout,
				CreatePersistentSubscriptionToStreamOptions::namedConsumerStrategy,
				CreatePersistentSubscriptionToStreamOptions::readBatchSize,
				CreatePersistentSubscriptionToStreamOptions::liveBufferSize,
				CreatePersistentSubscriptionToStreamOptions::historyBufferSize,
				CreatePersistentSubscriptionToStreamOptions::checkpointAfter,
				CreatePersistentSubscriptionToStreamOptions::checkpointLowerBound,
				CreatePersistentSubscriptionToStreamOptions::checkpointUpperBound,
				CreatePersistentSubscriptionToStreamOptions::maxSubscriberCount,
				CreatePersistentSubscriptionToStreamOptions::extraStatistics);

		static final GroupSetters<UpdatePersistentSubscriptionToAllOptions> UPDATE_TO_ALL = new GroupSetters<>(
				UpdatePersistentSubscriptionToAllOptions::resolveLinkTos,
				UpdatePersistentSubscriptionToAllOptions::maxRetryCount,
				UpdatePersistentSubscriptionToAllOptions::messageTimeout,
				UpdatePersistentSubscriptionToAllOptions::namedConsumerStrategy,
				UpdatePersistentSubscriptionToAllOptions::readBatchSize,
				UpdatePersistentSubscriptionToAllOptions::liveBufferSize,
				UpdatePersistentSubscriptionToAllOptions::historyBufferSize,
				UpdatePersistentSubscriptionToAllOptions::checkpointAfter,
				UpdatePersistentSubscriptionToAllOptions::checkpointLowerBound,
				UpdatePersistentSubscriptionToAllOptions::checkpointUpperBound,
				UpdatePersistentSubscriptionToAllOptions::maxSubscriberCount,
				UpdatePersistentSubscriptionToAllOptions::extraStatistics);

		static final GroupSetters<UpdatePersistentSubscriptionToStreamOptions> UPDATE_TO_STREAM = new GroupSetters<>(
				UpdatePersistentSubscriptionToStreamOptions::resolveLinkTos,
				UpdatePersistentSubscriptionToStreamOptions::maxRetryCount,
				UpdatePersistentSubscriptionToStreamOptions::messageTimeout,
				UpdatePersistentSubscriptionToStreamOptions::namedConsumerStrategy,
				UpdatePersistentSubscriptionToStreamOptions::readBatchSize,
				UpdatePersistentSubscriptionToStreamOptions::liveBufferSize,
				UpdatePersistentSubscriptionToStreamOptions::historyBufferSize,
				UpdatePersistentSubscriptionToStreamOptions::checkpointAfter,
				UpdatePersistentSubscriptionToStreamOptions::checkpointLowerBound,
				UpdatePersistentSubscriptionToStreamOptions::checkpointUpperBound,
				UpdatePersistentSubscriptionToStreamOptions::maxSubscriberCount,
				UpdatePersistentSubscriptionToStreamOptions::extraStatistics);

		void apply(SubscriptionEndpoint endpoint, T options) {
			PersistentSettings settings = endpoint.persistentSettings();
			this.resolveLinks.accept(options, endpoint.resolveLinks());
			set(options, this.maxRetryCount, settings.maxRetryCount());
			if (settings.messageTimeout() != null) {
				this.messageTimeout.accept(options, settings.messageTimeout());
			}
			if (settings.consumerStrategy() != null) {
				this.strategy.accept(options, consumerStrategy(settings.consumerStrategy()));
			}
			set(options, this.readBatchSize, settings.readBatchSize());
			set(options, this.liveBufferSize, settings.liveBufferSize());
			set(options, this.historyBufferSize, settings.historyBufferSize());
			if (settings.checkpointAfter() != null) {
				this.checkpointAfter.accept(options, settings.checkpointAfter());
			}
			set(options, this.minCheckpointCount, settings.minCheckpointCount());
			set(options, this.maxCheckpointCount, settings.maxCheckpointCount());
			set(options, this.maxSubscriberCount, settings.maxSubscriberCount());
			if (settings.extraStatistics() != null) {
				this.extraStatistics.accept(options, settings.extraStatistics());
			}
		}

		private void set(T options, ObjIntConsumer<T> setter, @Nullable Integer value) {
			if (value != null) {
				setter.accept(options, value);
			}
		}

	}

	/**
	 * The one switch over start positions. A stream has revisions and {@code $all} has positions; the other kind is
	 * a programming error that validation keeps out.
	 */
	private static void applyStart(StartPosition start, boolean all, Runnable fromStart, Runnable fromEnd,
			@Nullable LongConsumer fromRevision, @Nullable Consumer<Position> fromPosition) {
		switch (start.kind()) {
			case START -> fromStart.run();
			case END -> fromEnd.run();
			case REVISION -> {
				if (all || fromRevision == null) {
					throw new IllegalStateException("A stream revision cannot start an $all subscription");
				}
				fromRevision.accept(start.revision());
			}
			case POSITION -> {
				if (!all || fromPosition == null) {
					throw new IllegalStateException("An $all position cannot start a stream subscription");
				}
				fromPosition.accept(start.position().toClient());
			}
			case TIME -> throw new IllegalStateException(
					"A point in time is a reset target, not where a subscription or a group starts");
		}
	}

}
