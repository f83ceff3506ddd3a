package io.github.esdb.embedded.grpc;

import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import com.google.protobuf.InvalidProtocolBufferException;
import io.github.esdb.embedded.store.AppendResult;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.Registration;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
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

	private static final String ALL_STREAM = "$all";

	private final EventStore store;

	private final Executor executor;

	private final Executor filterExecutor;

	private final AppendLimits limits;

	private final ActiveCalls activeCalls;

	private final AccessControl access;

	/**
	 * Creates the service of an insecure node.
	 * @param store the store
	 * @param executor runs the response pumps
	 * @param limits the append size limits
	 * @param activeCalls where open reads and subscriptions are tracked for shutdown
	 */
	public StreamsService(EventStore store, Executor executor, AppendLimits limits, ActiveCalls activeCalls) {
		this(store, executor, executor, limits, activeCalls, false);
	}

	/**
	 * Creates the service.
	 * @param store the store
	 * @param executor runs the response pumps
	 * @param filterExecutor runs the response pumps of {@code $all} reads and subscriptions filtered by a regex, so
	 * a pathological expression never holds a thread that serves other calls
	 * @param limits the append size limits
	 * @param activeCalls where open reads and subscriptions are tracked for shutdown
	 * @param authorization true when users authenticate (a secure node); the access rules themselves apply to the
	 * calls that carry a {@link Principal}, which only a secure node's authentication gives them
	 */
	public StreamsService(EventStore store, Executor executor, Executor filterExecutor, AppendLimits limits,
			ActiveCalls activeCalls, boolean authorization) {
		this.store = store;
		this.executor = executor;
		this.filterExecutor = filterExecutor;
		this.limits = limits;
		this.activeCalls = activeCalls;
		this.access = new AccessControl(store);
	}

	private void checkWriteAccess(String stream) {
		this.access.check(stream, StreamAccess.WRITE);
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
		checkReadAccess(options);
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
				return new ResponsePump<>(observer, readSource(options, forwards, count, filter, resolver),
						executorFor(filter), this.activeCalls);
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

	/** Like the real node, before anything is read: {@code $r} of the stream, or of {@code $all} for the log. */
	private void checkReadAccess(ReadReq.Options options) {
		switch (options.getStreamOptionCase()) {
			case STREAM -> this.access.check(Messages.streamName(options.getStream().getStreamIdentifier()),
					StreamAccess.READ);
			case ALL -> this.access.check(ALL_STREAM, StreamAccess.READ);
			default -> {
				// Rejected as a bad request below.
			}
		}
	}

	/** Regex filters are user input that may backtrack for long: they run on their own threads. */
	private Executor executorFor(EventFilter filter) {
		return filter.usesRegex() ? this.filterExecutor : this.executor;
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
					case END -> Long.MAX_VALUE;
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
		CatchUpSubscription subscription;
		// A stream subscription wakes for commits to its stream only; $all for every commit.
		String onlyStream = null;
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
				subscription = new StreamSubscription(this.store, name, next, resolver);
				onlyStream = name;
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
				AllSubscription.Checkpoints checkpoints = AllSubscription.Checkpoints.NONE;
				if (filter.filtered()) {
					ReadReq.Options.FilterOptions filterOptions = options.getFilter();
					// uint32 on the wire: a negative Java int is the large unsigned value the real node reads.
					long window = switch (filterOptions.getWindowCase()) {
						case MAX -> Integer.toUnsignedLong(filterOptions.getMax());
						case COUNT -> DEFAULT_WINDOW;
						default -> throw Errors.invalidArgument("ReadReq.options.filter.window must be max or count.");
					};
					if (window == 0) {
						throw Errors.invalidArgument("The filter window (max) must be greater than 0.");
					}
					long multiplier = Integer.toUnsignedLong(filterOptions.getCheckpointIntervalMultiplier());
					if (multiplier == 0) {
						throw Errors.invalidArgument("The checkpoint interval multiplier must be greater than 0.");
					}
					checkpoints = AllSubscription.Checkpoints.of(window, multiplier);
					if (checkpoints == null) {
						throw Errors.invalidArgument("The checkpoint interval (window " + window + " x multiplier "
								+ multiplier + ") is a multiple of 2^32: as a 32-bit interval it would be 0.");
					}
					// The real node passes the window to its page reads as an int: above 2^31-1 a page considers no
					// record, so a catch-up never advances; a subscription with nothing to catch up goes live.
					boolean history = next <= this.store.lastPosition();
					if (window > Integer.MAX_VALUE && history) {
						checkpoints = AllSubscription.Checkpoints.STALLED;
					}
				}
				subscription = new AllSubscription(this.store, next, filter, checkpoints, resolver);
				logger.debug("Subscription to $all from position {}", next);
			}
			default -> throw Errors.invalidArgument("ReadReq.options.stream_option must be stream or all.");
		}
		ResponsePump<ReadResp> pump = new ResponsePump<>(observer, subscription, executorFor(filter), this.activeCalls);
		// Registered before the pump starts: a commit racing with the first drain still wakes it.
		Registration commits = (onlyStream != null) ? this.store.onCommit(onlyStream, pump::signal)
				: this.store.onCommit(pump::signal);
		subscription.onClose(commits::close);
		return pump;
	}

	// ------------------------------------------------------------------ Append

	@Override
	public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responseObserver) {
		return new AppendCall(this.store, this.limits, responseObserver, this::checkWriteAccess);
	}

	// ------------------------------------------------------------------ Delete / Tombstone

	@Override
	public void delete(DeleteReq request, StreamObserver<DeleteResp> responseObserver) {
		respond(responseObserver, () -> {
			long position = remove(request.getOptions(), "DeleteReq", this.store::softDelete);
			return DeleteResp.newBuilder()
				.setPosition(DeleteResp.Position.newBuilder().setCommitPosition(position).setPreparePosition(position))
				.build();
		});
	}

	@Override
	public void tombstone(TombstoneReq request, StreamObserver<TombstoneResp> responseObserver) {
		respond(responseObserver, () -> {
			long position = remove(asDeleteOptions(request.getOptions()), "TombstoneReq", this.store::tombstone);
			return TombstoneResp.newBuilder()
				.setPosition(
						TombstoneResp.Position.newBuilder().setCommitPosition(position).setPreparePosition(position))
				.build();
		});
	}

	/**
	 * A tombstone request's options have the same wire format as a delete request's (same fields and numbers in
	 * streams.proto), so both are read by one piece of code.
	 */
	private static DeleteReq.Options asDeleteOptions(TombstoneReq.Options options) {
		try {
			return DeleteReq.Options.parseFrom(options.toByteString());
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("Tombstone options have the wire format of delete options", ex);
		}
	}

	/**
	 * Deletes or tombstones a stream after the access check, honouring the expected revision.
	 * @param options the stream and the expected revision
	 * @param request the request's name, for the error when the expected revision is missing
	 * @param removal soft delete or tombstone
	 * @return the commit position of the removal
	 */
	private long remove(DeleteReq.Options options, String request, BiFunction<String, Long, AppendResult> removal) {
		String stream = Messages.streamName(options.getStreamIdentifier());
		this.access.check(stream, StreamAccess.DELETE);
		long expected = switch (options.getExpectedStreamRevisionCase()) {
			case ANY -> ExpectedRevision.ANY;
			case NO_STREAM -> ExpectedRevision.NO_STREAM;
			case STREAM_EXISTS -> ExpectedRevision.STREAM_EXISTS;
			case REVISION -> options.getRevision();
			default -> throw Errors.invalidArgument(request + ".options.expected_stream_revision is required.");
		};
		return deletePosition(removal.apply(stream, expected), expected);
	}

	/** Completes a unary call with the response, or fails it with the status the response could not be made for. */
	private static <T> void respond(StreamObserver<T> observer, Supplier<T> response) {
		try {
			observer.onNext(response.get());
			observer.onCompleted();
		}
		catch (StatusRuntimeException ex) {
			observer.onError(ex);
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
