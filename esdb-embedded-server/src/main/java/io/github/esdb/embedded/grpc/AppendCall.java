package io.github.esdb.embedded.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.esdb.embedded.store.AppendResult;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One v1 {@code Streams/Append} call: options first, then the proposed messages (validated and size-checked as
 * they arrive), written on half-close. Wrong expected version is a response (status OK); deleted streams and limits
 * are errors with the real server's trailers.
 */
final class AppendCall implements StreamObserver<AppendReq> {

	private static final Logger logger = LoggerFactory.getLogger(AppendCall.class);

	private final EventStore store;

	private final AppendLimits limits;

	private final StreamObserver<AppendResp> response;

	private final java.util.function.Consumer<String> accessCheck;

	private final List<ProposedEvent> events = new ArrayList<>();

	private String stream;

	private long expected;

	private long totalSize;

	private boolean finished;

	AppendCall(EventStore store, AppendLimits limits, StreamObserver<AppendResp> response,
			java.util.function.Consumer<String> accessCheck) {
		this.store = store;
		this.limits = limits;
		this.response = response;
		this.accessCheck = accessCheck;
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
		// Like the real node: access is checked once the options are read, before any event.
		this.accessCheck.accept(name);
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
		if (size > this.limits.maxEventSize()) {
			throw Errors.of(
					Status.INVALID_ARGUMENT.withDescription("Event with id " + event.id() + " is too large: "
							+ size + " bytes, maximum " + this.limits.maxEventSize()),
					"exception", "maximum-append-event-size-exceeded", "event-id", event.id().toString(),
					"proposed-append-event-size", Integer.toString(size), "maximum-append-event-size",
					Integer.toString(this.limits.maxEventSize()));
		}
		this.totalSize += size;
		if (this.totalSize > this.limits.maxAppendSize()) {
			throw Errors.of(
					Status.INVALID_ARGUMENT.withDescription(
							"Maximum Append Size of " + this.limits.maxAppendSize() + " Exceeded."),
					"exception", "maximum-append-size-exceeded", "maximum-append-size",
					Integer.toString(this.limits.maxAppendSize()));
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
			result = this.store.append(this.stream, this.expected, this.events);
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

}
