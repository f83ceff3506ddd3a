package io.github.esdb.embedded.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import io.github.esdb.embedded.store.AppendResult;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.embedded.store.Registration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.DeleteReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.DeleteResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.TombstoneReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.TombstoneResp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v1 {@code event_store.client.streams.Streams} service: Read (reads and catch-up subscriptions), Append,
 * Delete and Tombstone. BatchAppend is not implemented (the Java client never uses it).
 */
public final class StreamsService extends StreamsGrpc.StreamsImplBase {

	private static final Logger logger = LoggerFactory.getLogger(StreamsService.class);

	private static final int DEFAULT_WINDOW = 32;

	private final EventStore store;

	private final Executor executor;

	private final AppendLimits limits;

	private final ActiveCalls activeCalls;

	/**
	 * Creates the service.
	 * @param store the store
	 * @param executor runs the response pumps
	 * @param limits the append size limits
	 * @param activeCalls where open reads and subscriptions are tracked for shutdown
	 */
	public StreamsService(EventStore store, Executor executor, AppendLimits limits, ActiveCalls activeCalls) {
		this.store = store;
		this.executor = executor;
		this.limits = limits;
		this.activeCalls = activeCalls;
	}

	// ------------------------------------------------------------------ Read

	@Override
	public void read(ReadReq request, StreamObserver<ReadResp> responseObserver) {
		ServerCallStreamObserver<ReadResp> observer = (ServerCallStreamObserver<ReadResp>) responseObserver;
		ResponsePump<ReadResp> pump;
		try {
			pump = createPump(request, observer);
		}
		catch (StatusRuntimeException ex) {
			observer.onError(ex);
			return;
		}
		pump.start();
	}

	private ResponsePump<ReadResp> createPump(ReadReq request, ServerCallStreamObserver<ReadResp> observer) {
		if (!request.hasOptions()) {
			throw Errors.invalidArgument("ReadReq.options is required.");
		}
		ReadReq.Options options = request.getOptions();
		boolean structuredIds = switch (options.getUuidOption().getContentCase()) {
			case STRUCTURED -> true;
			case STRING -> false;
			default -> throw Errors.invalidArgument("ReadReq.options.uuid_option must be structured or string.");
		};
		EventFilter filter = switch (options.getFilterOptionCase()) {
			case NO_FILTER -> EventFilter.DEFAULT;
			case FILTER -> EventFilter.from(options.getFilter());
			default -> throw Errors.invalidArgument("ReadReq.options.filter_option must be filter or no_filter.");
		};
		boolean forwards = switch (options.getReadDirection()) {
			case Forwards -> true;
			case Backwards -> false;
			default -> throw Errors.invalidArgument("Unknown read direction.");
		};
		LinkResolver resolver = new LinkResolver(this.store, options.getResolveLinks(), structuredIds);
		switch (options.getCountOptionCase()) {
			case COUNT -> {
				// uint64 on the wire: anything above Long.MAX_VALUE arrives negative and means "unbounded" too.
				long count = (options.getCount() < 0) ? Long.MAX_VALUE : options.getCount();
				ResponsePump.Source<ReadResp> source = readSource(options, forwards, count, filter, resolver);
				return track(observer, source, null);
			}
			case SUBSCRIPTION -> {
				if (!forwards) {
					throw Errors.invalidArgument("Subscriptions can only read forwards.");
				}
				return subscription(options, filter, resolver, observer);
			}
			default -> throw Errors.invalidArgument("ReadReq.options.count_option must be count or subscription.");
		}
	}

	private ResponsePump.Source<ReadResp> readSource(ReadReq.Options options, boolean forwards, long count,
			EventFilter filter, LinkResolver resolver) {
		switch (options.getStreamOptionCase()) {
			case STREAM -> {
				ReadReq.Options.StreamOptions stream = options.getStream();
				String name = Messages.streamName(stream.getStreamIdentifier());
				long from = switch (stream.getRevisionOptionCase()) {
					case START -> 0;
					case END -> Long.MAX_VALUE;
					case REVISION -> stream.getRevision() < 0 ? Long.MAX_VALUE : stream.getRevision();
					default -> throw Errors.invalidArgument("ReadReq.options.stream needs start, end or revision.");
				};
				return new ReadStreamEnumerator(this.store, name, from, forwards, count, resolver,
						options.getControlOption().getCompatibility() >= 1);
			}
			case ALL -> {
				ReadReq.Options.AllOptions all = options.getAll();
				long cursor = switch (all.getAllOptionCase()) {
					case START -> forwards ? 1 : 0;
					case END -> forwards ? Long.MAX_VALUE : Long.MAX_VALUE;
					case POSITION -> position(all.getPosition());
					default -> throw Errors.invalidArgument("ReadReq.options.all needs start, end or position.");
				};
				return new ReadAllEnumerator(this.store, cursor, forwards, count, filter, resolver);
			}
			default -> throw Errors.invalidArgument("ReadReq.options.stream_option must be stream or all.");
		}
	}

	private static long position(ReadReq.Options.Position position) {
		long commit = position.getCommitPosition();
		long prepare = position.getPreparePosition();
		if (commit >= 0 && prepare >= 0 && commit < prepare) {
			throw Errors.invalidArgument("The commit position must not be below the prepare position.");
		}
		// ulong.MaxValue ("unknown") reads as the end of the log.
		return (commit < 0) ? Long.MAX_VALUE : commit;
	}

	private ResponsePump<ReadResp> subscription(ReadReq.Options options, EventFilter filter, LinkResolver resolver,
			ServerCallStreamObserver<ReadResp> observer) {
		ResponsePump<ReadResp>[] self = newPumpHolder();
		Runnable onClose = () -> {
			if (self[0] != null) {
				this.activeCalls.remove(self[0]);
			}
		};
		CatchUpSubscription subscription;
		switch (options.getStreamOptionCase()) {
			case STREAM -> {
				ReadReq.Options.StreamOptions stream = options.getStream();
				String name = Messages.streamName(stream.getStreamIdentifier());
				long next = switch (stream.getRevisionOptionCase()) {
					case START -> 0;
					case END -> this.store.streamInfo(name).lastRevision() + 1;
					case REVISION -> (stream.getRevision() < 0) ? Long.MAX_VALUE : stream.getRevision() + 1;
					default -> throw Errors.invalidArgument("ReadReq.options.stream needs start, end or revision.");
				};
				subscription = new StreamSubscription(this.store, name, next, resolver, onClose);
				logger.debug("Subscription to stream {} from revision {}", name, next);
			}
			case ALL -> {
				ReadReq.Options.AllOptions all = options.getAll();
				long next = switch (all.getAllOptionCase()) {
					case START -> 1;
					case END -> this.store.lastPosition() + 1;
					case POSITION -> {
						long position = position(all.getPosition());
						yield (position == Long.MAX_VALUE) ? this.store.lastPosition() + 1 : position + 1;
					}
					default -> throw Errors.invalidArgument("ReadReq.options.all needs start, end or position.");
				};
				long interval = 0;
				if (filter.filtered()) {
					ReadReq.Options.FilterOptions filterOptions = options.getFilter();
					long window = switch (filterOptions.getWindowCase()) {
						case MAX -> filterOptions.getMax();
						case COUNT -> DEFAULT_WINDOW;
						default -> throw Errors.invalidArgument("ReadReq.options.filter.window must be max or count.");
					};
					if (window <= 0) {
						throw Errors.invalidArgument("The filter window (max) must be greater than 0.");
					}
					if (filterOptions.getCheckpointIntervalMultiplier() <= 0) {
						throw Errors.invalidArgument("The checkpoint interval multiplier must be greater than 0.");
					}
					interval = window * Integer.toUnsignedLong(filterOptions.getCheckpointIntervalMultiplier());
				}
				subscription = new AllSubscription(this.store, next, filter, interval, resolver, onClose);
				logger.debug("Subscription to $all from position {}", next);
			}
			default -> throw Errors.invalidArgument("ReadReq.options.stream_option must be stream or all.");
		}
		ResponsePump<ReadResp> pump = track(observer, subscription, subscription);
		self[0] = pump;
		return pump;
	}

	@SuppressWarnings("unchecked")
	private static ResponsePump<ReadResp>[] newPumpHolder() {
		return new ResponsePump[1];
	}

	private ResponsePump<ReadResp> track(ServerCallStreamObserver<ReadResp> observer,
			ResponsePump.Source<ReadResp> source, CatchUpSubscription subscription) {
		ResponsePump<ReadResp> pump = new ResponsePump<>(observer, source, this.executor);
		if (subscription != null) {
			Registration registration = this.store.onCommit(pump::signal);
			subscription.registration(registration);
			this.activeCalls.add(pump);
		}
		return pump;
	}

	// ------------------------------------------------------------------ Append

	@Override
	public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responseObserver) {
		return new AppendCall(responseObserver);
	}

	/** Collects the options and proposed messages of one append; writes on half-close. */
	private final class AppendCall implements StreamObserver<AppendReq> {

		private final StreamObserver<AppendResp> response;

		private final List<ProposedEvent> events = new ArrayList<>();

		private String stream;

		private long expected;

		private long totalSize;

		private boolean finished;

		AppendCall(StreamObserver<AppendResp> response) {
			this.response = response;
		}

		@Override
		public void onNext(AppendReq request) {
			if (this.finished) {
				return;
			}
			try {
				switch (request.getContentCase()) {
					case OPTIONS -> options(request.getOptions());
					case PROPOSED_MESSAGE -> proposed(request.getProposedMessage());
					default -> throw Errors.invalidArgument("AppendReq needs options or proposed_message.");
				}
			}
			catch (StatusRuntimeException ex) {
				fail(ex);
			}
		}

		private void options(AppendReq.Options options) {
			if (this.stream != null) {
				throw Errors.invalidArgument("AppendReq.options must be sent once, first.");
			}
			String name = Messages.streamName(options.getStreamIdentifier());
			this.expected = switch (options.getExpectedStreamRevisionCase()) {
				case ANY -> ExpectedRevision.ANY;
				case NO_STREAM -> ExpectedRevision.NO_STREAM;
				case STREAM_EXISTS -> ExpectedRevision.STREAM_EXISTS;
				case REVISION -> {
					if (options.getRevision() < 0) {
						throw Errors.invalidArgument("Expected revision out of range.");
					}
					yield options.getRevision();
				}
				default -> throw Errors.invalidArgument("AppendReq.options.expected_stream_revision is required.");
			};
			this.stream = name;
		}

		private void proposed(AppendReq.ProposedMessage message) {
			if (this.stream == null) {
				throw Errors.invalidArgument("AppendReq.options must come before the proposed messages.");
			}
			Map<String, String> metadata = message.getMetadataMap();
			String type = metadata.get("type");
			String contentType = metadata.get("content-type");
			if (type == null || contentType == null) {
				throw Errors.of(
						Status.INVALID_ARGUMENT.withDescription(
								"Required metadata properties are missing: type, content-type"),
						"exception", "missing-required-metadata-property", "required-metadata-properties",
						"type,content-type");
			}
			if (!message.hasId()) {
				throw Errors.invalidArgument("ProposedMessage.id is required.");
			}
			ProposedEvent event = new ProposedEvent(Messages.uuid(message.getId()), type,
					"application/json".equals(contentType), message.getData().toByteArray(),
					message.getCustomMetadata().toByteArray());
			int size = event.size();
			if (size > StreamsService.this.limits.maxEventSize()) {
				throw Errors.of(
						Status.INVALID_ARGUMENT.withDescription("Event with id " + event.id() + " is too large: "
								+ size + " bytes, maximum " + StreamsService.this.limits.maxEventSize()),
						"exception", "maximum-append-event-size-exceeded", "event-id", event.id().toString(),
						"proposed-append-event-size", Integer.toString(size), "maximum-append-event-size",
						Integer.toString(StreamsService.this.limits.maxEventSize()));
			}
			this.totalSize += size;
			if (this.totalSize > StreamsService.this.limits.maxAppendSize()) {
				throw Errors.of(
						Status.INVALID_ARGUMENT.withDescription(
								"Maximum Append Size of " + StreamsService.this.limits.maxAppendSize() + " Exceeded."),
						"exception", "maximum-append-size-exceeded", "maximum-append-size",
						Integer.toString(StreamsService.this.limits.maxAppendSize()));
			}
			this.events.add(event);
		}

		@Override
		public void onError(Throwable t) {
			this.finished = true;
		}

		@Override
		public void onCompleted() {
			if (this.finished) {
				return;
			}
			if (this.stream == null) {
				fail(Errors.invalidArgument("AppendReq.options is required."));
				return;
			}
			this.finished = true;
			AppendResult result;
			try {
				result = StreamsService.this.store.append(this.stream, this.expected, this.events);
			}
			catch (RuntimeException ex) {
				logger.error("Append to {} failed", this.stream, ex);
				this.response.onError(Status.INTERNAL.withDescription("Append failed").asRuntimeException());
				return;
			}
			if (result instanceof AppendResult.StreamDeleted) {
				this.response.onError(Errors.streamDeleted(this.stream));
				return;
			}
			this.response.onNext(appendResponse(result, this.expected));
			this.response.onCompleted();
		}

		private void fail(StatusRuntimeException ex) {
			this.finished = true;
			this.response.onError(ex);
		}

	}

	private static AppendResp appendResponse(AppendResult result, long expected) {
		Shared.Empty empty = Shared.Empty.getDefaultInstance();
		if (result instanceof AppendResult.Success success) {
			AppendResp.Success.Builder builder = AppendResp.Success.newBuilder();
			if (success.currentRevision() >= 0) {
				builder.setCurrentRevision(success.currentRevision());
			}
			else {
				builder.setNoStream(empty);
			}
			if (success.position() > 0) {
				builder.setPosition(AppendResp.Position.newBuilder()
					.setCommitPosition(success.position())
					.setPreparePosition(success.position()));
			}
			else {
				builder.setNoPosition(empty);
			}
			return AppendResp.newBuilder().setSuccess(builder).build();
		}
		AppendResult.WrongExpectedVersion wev = (AppendResult.WrongExpectedVersion) result;
		AppendResp.WrongExpectedVersion.Builder builder = AppendResp.WrongExpectedVersion.newBuilder();
		if (expected == ExpectedRevision.ANY) {
			builder.setExpectedAny(empty).setAny2060(empty);
		}
		else if (expected == ExpectedRevision.STREAM_EXISTS) {
			builder.setExpectedStreamExists(empty).setStreamExists2060(empty);
		}
		else if (expected == ExpectedRevision.NO_STREAM) {
			// The legacy field has no "no stream" case: the real server sends ulong.MaxValue.
			builder.setExpectedNoStream(empty).setExpectedRevision2060(-1L);
		}
		else {
			builder.setExpectedRevision(expected).setExpectedRevision2060(expected);
		}
		if (wev.actualRevision() < 0) {
			builder.setCurrentNoStream(empty).setNoStream2060(empty);
		}
		else {
			builder.setCurrentRevision(wev.actualRevision()).setCurrentRevision2060(wev.actualRevision());
		}
		return AppendResp.newBuilder().setWrongExpectedVersion(builder).build();
	}

	// ------------------------------------------------------------------ Delete / Tombstone

	@Override
	public void delete(DeleteReq request, StreamObserver<DeleteResp> responseObserver) {
		try {
			DeleteReq.Options options = request.getOptions();
			String stream = Messages.streamName(options.getStreamIdentifier());
			long expected = switch (options.getExpectedStreamRevisionCase()) {
				case ANY -> ExpectedRevision.ANY;
				case NO_STREAM -> ExpectedRevision.NO_STREAM;
				case STREAM_EXISTS -> ExpectedRevision.STREAM_EXISTS;
				case REVISION -> options.getRevision();
				default -> throw Errors.invalidArgument("DeleteReq.options.expected_stream_revision is required.");
			};
			long position = deletePosition(this.store.softDelete(stream, expected), expected);
			responseObserver.onNext(DeleteResp.newBuilder()
				.setPosition(DeleteResp.Position.newBuilder().setCommitPosition(position).setPreparePosition(position))
				.build());
			responseObserver.onCompleted();
		}
		catch (StatusRuntimeException ex) {
			responseObserver.onError(ex);
		}
	}

	@Override
	public void tombstone(TombstoneReq request, StreamObserver<TombstoneResp> responseObserver) {
		try {
			TombstoneReq.Options options = request.getOptions();
			String stream = Messages.streamName(options.getStreamIdentifier());
			long expected = switch (options.getExpectedStreamRevisionCase()) {
				case ANY -> ExpectedRevision.ANY;
				case NO_STREAM -> ExpectedRevision.NO_STREAM;
				case STREAM_EXISTS -> ExpectedRevision.STREAM_EXISTS;
				case REVISION -> options.getRevision();
				default -> throw Errors.invalidArgument("TombstoneReq.options.expected_stream_revision is required.");
			};
			long position = deletePosition(this.store.tombstone(stream, expected), expected);
			responseObserver.onNext(TombstoneResp.newBuilder()
				.setPosition(
						TombstoneResp.Position.newBuilder().setCommitPosition(position).setPreparePosition(position))
				.build());
			responseObserver.onCompleted();
		}
		catch (StatusRuntimeException ex) {
			responseObserver.onError(ex);
		}
	}

	private static long deletePosition(AppendResult result, long expected) {
		if (result instanceof AppendResult.Success success) {
			return success.position();
		}
		if (result instanceof AppendResult.WrongExpectedVersion wev) {
			throw Errors.wrongExpectedVersion(wev.stream(), expected, wev.actualRevision());
		}
		throw Errors.streamDeleted(((AppendResult.StreamDeleted) result).stream());
	}

}
