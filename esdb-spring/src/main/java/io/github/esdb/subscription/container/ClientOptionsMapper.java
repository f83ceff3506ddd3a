package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

import io.kurrent.dbclient.Checkpointer;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionFilterBuilder;
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
		StartPosition from = (resumeAfter != null) ? StartPosition.position(resumeAfter.position()) : start;
		applyStart(from, true, options::fromStart, options::fromEnd, null,
				(position) -> options.fromPosition(position));
		if (filter != null) {
			options.filter(filter);
		}
		return options;
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
		StartPosition from = (resumeAfter != null) ? StartPosition.revision(resumeAfter.revision()) : start;
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
		CreatePersistentSubscriptionToAllOptions options = CreatePersistentSubscriptionToAllOptions.get()
			.resolveLinkTos(endpoint.resolveLinks());
		applyGroupSettings(endpoint.persistentSettings(), options::maxRetryCount, options::messageTimeout,
				options::namedConsumerStrategy);
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
		CreatePersistentSubscriptionToStreamOptions options = CreatePersistentSubscriptionToStreamOptions.get()
			.resolveLinkTos(endpoint.resolveLinks());
		applyGroupSettings(endpoint.persistentSettings(), options::maxRetryCount, options::messageTimeout,
				options::namedConsumerStrategy);
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
		};
	}

	private static void applyGroupSettings(PersistentSettings settings, IntConsumer maxRetryCount,
			Consumer<Duration> messageTimeout, Consumer<NamedConsumerStrategy> strategy) {
		if (settings.maxRetryCount() != null) {
			maxRetryCount.accept(settings.maxRetryCount());
		}
		if (settings.messageTimeout() != null) {
			messageTimeout.accept(settings.messageTimeout());
		}
		if (settings.consumerStrategy() != null) {
			strategy.accept(consumerStrategy(settings.consumerStrategy()));
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
		}
	}

}
