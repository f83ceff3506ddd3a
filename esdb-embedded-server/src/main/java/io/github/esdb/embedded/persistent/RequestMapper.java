package io.github.esdb.embedded.persistent;

import java.util.List;
import java.util.regex.PatternSyntaxException;

import com.google.protobuf.InvalidProtocolBufferException;
import io.github.esdb.embedded.grpc.EventFilter;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.CreateReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.UpdateReq;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * Turns Create and Update requests into {@link GroupDefinition}s with the real server's rules: start is 0, end is
 * -1 (both parts for {@code $all}), an empty {@code consumer_strategy} falls back to the named enum, timeouts may
 * come in milliseconds or .NET ticks.
 */
final class RequestMapper {

	private static final long TICKS_PER_MILLISECOND = 10_000;

	private RequestMapper() {
	}

	static GroupDefinition create(CreateReq request) {
		CreateReq.Options options = request.getOptions();
		CreateReq.Settings s = options.getSettings();
		String strategy = s.getConsumerStrategy().isEmpty() ? s.getNamedConsumerStrategy().toString()
				: s.getConsumerStrategy();
		GroupSettings settings = new GroupSettings(s.getResolveLinks(), s.getExtraStatistics(),
				millis(s.getMessageTimeoutCase() == CreateReq.Settings.MessageTimeoutCase.MESSAGE_TIMEOUT_TICKS,
						s.getMessageTimeoutTicks(), s.getMessageTimeoutMs()),
				s.getMaxRetryCount(), s.getLiveBufferSize(), s.getHistoryBufferSize(), s.getReadBatchSize(),
				millis(s.getCheckpointAfterCase() == CreateReq.Settings.CheckpointAfterCase.CHECKPOINT_AFTER_TICKS,
						s.getCheckpointAfterTicks(), s.getCheckpointAfterMs()),
				s.getMinCheckpointCount(), s.getMaxCheckpointCount(), s.getMaxSubscriberCount(), strategy);
		String group = options.getGroupName();
		switch (options.getStreamOptionCase()) {
			case STREAM -> {
				CreateReq.StreamOptions stream = options.getStream();
				long start = switch (stream.getRevisionOptionCase()) {
					case REVISION -> stream.getRevision();
					case START -> 0;
					case END -> -1;
					default -> throw PersistentErrors.invalidArgument("A start revision is required.");
				};
				return new GroupDefinition(streamName(stream.getStreamIdentifier()), group, start, start, null,
						settings);
			}
			case ALL -> {
				CreateReq.AllOptions all = options.getAll();
				long[] position = switch (all.getAllOptionCase()) {
					case POSITION -> allPosition(all.getPosition().getCommitPosition(),
							all.getPosition().getPreparePosition());
					case START -> new long[] { 0, 0 };
					case END -> new long[] { -1, -1 };
					default -> throw PersistentErrors.invalidArgument("A start position is required.");
				};
				AllFilter filter = all.hasFilter() ? filter(all.getFilter()) : null;
				return new GroupDefinition(GroupDefinition.ALL, group, position[0], position[1], filter, settings);
			}
			default -> {
				// Legacy clients: the deprecated stream identifier and settings.revision.
				@SuppressWarnings("deprecation")
				long revision = s.getRevision();
				return new GroupDefinition(streamName(options.getStreamIdentifier()), group, revision, revision, null,
						settings);
			}
		}
	}

	/**
	 * An update has the same wire format as a create without its filter and its {@code consumer_strategy} string
	 * (same field numbers and enum values, as in the real server's persistent.proto), so it is read as a create: one
	 * set of rules for both, and an update can never set a filter.
	 */
	static GroupDefinition update(UpdateReq request) {
		try {
			return create(CreateReq.parseFrom(request.toByteString()));
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("An update request is a subset of a create request", ex);
		}
	}

	/** A duration sent either as .NET ticks (100 ns) or in milliseconds, in milliseconds. */
	private static int millis(boolean inTicks, long ticks, int millis) {
		return inTicks ? (int) (ticks / TICKS_PER_MILLISECOND) : millis;
	}

	private static long[] allPosition(long commit, long prepare) {
		if (Long.compareUnsigned(commit, prepare) < 0) {
			throw PersistentErrors.invalidArgument("The commit position cannot be less than the prepare position.");
		}
		return new long[] { commit, prepare };
	}

	private static AllFilter filter(CreateReq.AllOptions.FilterOptions options) {
		AllFilter filter = switch (options.getFilterCase()) {
			case STREAM_IDENTIFIER -> new AllFilter(true, options.getStreamIdentifier().getRegex(),
					List.copyOf(options.getStreamIdentifier().getPrefixList()));
			case EVENT_TYPE -> new AllFilter(false, options.getEventType().getRegex(),
					List.copyOf(options.getEventType().getPrefixList()));
			default -> throw PersistentErrors.invalidArgument("A filter needs a stream or event type expression.");
		};
		try {
			filter.compile();
		}
		catch (PatternSyntaxException ex) {
			throw PersistentErrors.invalidArgument("Invalid filter regex '" + EventFilter.abbreviate(filter.regex()) + "'.");
		}
		return filter;
	}

	static String streamName(Shared.StreamIdentifier identifier) {
		String name = identifier.getStreamName().toStringUtf8();
		if (name.isEmpty()) {
			throw PersistentErrors.invalidArgument("A stream name is required.");
		}
		return name;
	}

}
