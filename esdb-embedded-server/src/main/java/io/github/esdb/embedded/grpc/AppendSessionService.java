package io.github.esdb.embedded.grpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Value;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.github.esdb.embedded.store.AppendResult;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.embedded.store.StreamAppend;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.kurrentdb.protocol.v2.common.errors.AccessDeniedErrorDetails;
import io.kurrentdb.protocol.v2.streams.AppendRecord;
import io.kurrentdb.protocol.v2.streams.AppendRequest;
import io.kurrentdb.protocol.v2.streams.AppendResponse;
import io.kurrentdb.protocol.v2.streams.AppendSessionResponse;
import io.kurrentdb.protocol.v2.streams.SchemaFormat;
import io.kurrentdb.protocol.v2.streams.StreamsServiceGrpc;
import io.kurrentdb.protocol.v2.streams.errors.AppendRecordSizeExceededErrorDetails;
import io.kurrentdb.protocol.v2.streams.errors.AppendTransactionSizeExceededErrorDetails;
import io.kurrentdb.protocol.v2.streams.errors.StreamAlreadyInAppendSessionErrorDetails;
import io.kurrentdb.protocol.v2.streams.errors.StreamRevisionConflictErrorDetails;
import io.kurrentdb.protocol.v2.streams.errors.StreamTombstonedErrorDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v2 {@code kurrentdb.protocol.v2.streams.StreamsService}: AppendSession writes to several streams atomically.
 * Errors are {@code google.rpc.Status} details (ErrorInfo, then the specific details message) in
 * {@code grpc-status-details-bin}. Properties are stored as the v1 user metadata JSON, with the schema entries the
 * real server adds.
 */
public final class AppendSessionService extends StreamsServiceGrpc.StreamsServiceImplBase {

	private static final Logger logger = LoggerFactory.getLogger(AppendSessionService.class);

	private static final String DOMAIN = "kurrentdb";

	private final EventStore store;

	private final AppendLimits limits;

	private final AccessControl access;

	/**
	 * Creates the service of an insecure node.
	 * @param store the store
	 * @param limits the size limits (record size, session size)
	 */
	public AppendSessionService(EventStore store, AppendLimits limits) {
		this(store, limits, false);
	}

	/**
	 * Creates the service.
	 * @param store the store
	 * @param limits the size limits (record size, session size)
	 * @param authorization true when users authenticate (a secure node); the access rules themselves apply to the
	 * calls that carry a {@link Principal}, which only a secure node's authentication gives them
	 */
	public AppendSessionService(EventStore store, AppendLimits limits, boolean authorization) {
		this.store = store;
		this.limits = limits;
		this.access = new AccessControl(store);
	}

	@Override
	public StreamObserver<AppendRequest> appendSession(StreamObserver<AppendSessionResponse> responseObserver) {
		return new StreamObserver<>() {

			private final List<StreamAppend> appends = new ArrayList<>();

			private final Set<String> streams = new HashSet<>();

			private long totalSize;

			private boolean finished;

			@Override
			public void onNext(AppendRequest request) {
				if (this.finished) {
					return;
				}
				try {
					if (request.getStream().isEmpty()) {
						throw error(Code.INVALID_ARGUMENT, "BAD_REQUEST", "A stream name is required.", null);
					}
					if (!AppendSessionService.this.access.allows(request.getStream(), StreamAccess.WRITE)) {
						// The real node authorizes each request as it arrives (nobody may write to $all).
						throw error(Code.PERMISSION_DENIED, "ACCESS_DENIED",
								"Access denied. Insufficient permissions to perform streams:write",
								AccessDeniedErrorDetails.newBuilder().setOperation("streams:write").build());
					}
					if (!this.streams.add(request.getStream())) {
						throw error(Code.ABORTED, "STREAM_ALREADY_IN_APPEND_SESSION",
								"Stream " + request.getStream() + " is already in this append session.",
								StreamAlreadyInAppendSessionErrorDetails.newBuilder()
									.setStream(request.getStream())
									.build());
					}
					List<ProposedEvent> events = new ArrayList<>(request.getRecordsCount());
					for (AppendRecord record : request.getRecordsList()) {
						ProposedEvent event = toEvent(request.getStream(), record);
						this.totalSize += event.size();
						events.add(event);
					}
					if (this.totalSize > AppendSessionService.this.limits.maxAppendSize()) {
						throw error(Code.ABORTED, "APPEND_TRANSACTION_SIZE_EXCEEDED",
								"The append session exceeds the maximum size of "
										+ AppendSessionService.this.limits.maxAppendSize() + " bytes.",
								AppendTransactionSizeExceededErrorDetails.newBuilder()
									.setSize((int) Math.min(Integer.MAX_VALUE, this.totalSize))
									.setMaxSize(AppendSessionService.this.limits.maxAppendSize())
									.build());
					}
					long expected = request.hasExpectedRevision() ? request.getExpectedRevision()
							: ExpectedRevision.ANY;
					if (expected < 0 && expected != ExpectedRevision.ANY && expected != ExpectedRevision.NO_STREAM
							&& expected != ExpectedRevision.STREAM_EXISTS) {
						throw error(Code.INVALID_ARGUMENT, "BAD_REQUEST", "Invalid expected revision " + expected,
								null);
					}
					this.appends.add(new StreamAppend(request.getStream(), expected, events));
				}
				catch (StatusRuntimeException ex) {
					this.finished = true;
					responseObserver.onError(ex);
				}
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
				this.finished = true;
				if (this.appends.isEmpty()) {
					responseObserver.onError(error(Code.FAILED_PRECONDITION, "APPEND_SESSION_NO_REQUESTS",
							"An append session needs at least one request.", null));
					return;
				}
				List<AppendResult> results = AppendSessionService.this.store.appendAtomically(this.appends);
				AppendSessionResponse.Builder response = AppendSessionResponse.newBuilder();
				long position = 0;
				for (AppendResult result : results) {
					if (result instanceof AppendResult.Success success) {
						response.addOutput(AppendResponse.newBuilder()
							.setStream(success.stream())
							.setStreamRevision(success.currentRevision()));
						position = Math.max(position, success.position());
					}
					else {
						responseObserver.onError(failure(result));
						return;
					}
				}
				logger.debug("Append session wrote {} stream(s)", results.size());
				responseObserver.onNext(response.setPosition(position).build());
				responseObserver.onCompleted();
			}
		};
	}

	private ProposedEvent toEvent(String stream, AppendRecord record) {
		UUID id;
		try {
			id = record.hasRecordId() ? UUID.fromString(record.getRecordId()) : UUID.randomUUID();
		}
		catch (IllegalArgumentException ex) {
			throw error(Code.INVALID_ARGUMENT, "BAD_REQUEST", "Invalid record id '" + record.getRecordId() + "'.",
					null);
		}
		String type = record.getSchema().getName();
		if (type.isEmpty()) {
			throw error(Code.INVALID_ARGUMENT, "BAD_REQUEST", "Record " + id + " needs a schema name.", null);
		}
		boolean isJson = record.getSchema().getFormat() == SchemaFormat.SCHEMA_FORMAT_JSON;
		ObjectNode metadata = JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, Value> property : record.getPropertiesMap().entrySet()) {
			metadata.set(property.getKey(), toJson(property.getValue()));
		}
		metadata.put("$schema.name", type);
		metadata.put("$schema.format", formatName(record.getSchema().getFormat()));
		if (record.getSchema().hasId()) {
			metadata.put("$schema.id", record.getSchema().getId());
		}
		byte[] data = record.getData().toByteArray();
		byte[] metadataBytes = metadata.toString().getBytes(StandardCharsets.UTF_8);
		ProposedEvent event = new ProposedEvent(id, type, isJson, data, metadataBytes);
		int size = data.length + type.length();
		if (size > this.limits.maxEventSize()) {
			throw error(Code.INVALID_ARGUMENT, "APPEND_RECORD_SIZE_EXCEEDED",
					"Record " + id + " is " + size + " bytes, above the maximum of " + this.limits.maxEventSize(),
					AppendRecordSizeExceededErrorDetails.newBuilder()
						.setStream(stream)
						.setRecordId(id.toString())
						.setSize(size)
						.setMaxSize(this.limits.maxEventSize())
						.build());
		}
		return event;
	}

	private static String formatName(SchemaFormat format) {
		return switch (format) {
			case SCHEMA_FORMAT_JSON -> "Json";
			case SCHEMA_FORMAT_PROTOBUF -> "Protobuf";
			case SCHEMA_FORMAT_AVRO -> "Avro";
			case SCHEMA_FORMAT_BYTES -> "Bytes";
			default -> "Unspecified";
		};
	}

	private JsonNode toJson(Value value) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		return switch (value.getKindCase()) {
			case STRING_VALUE -> nodes.textNode(value.getStringValue());
			case NUMBER_VALUE -> nodes.numberNode(value.getNumberValue());
			case BOOL_VALUE -> nodes.booleanNode(value.getBoolValue());
			case STRUCT_VALUE -> {
				ObjectNode object = nodes.objectNode();
				value.getStructValue().getFieldsMap().forEach((k, v) -> object.set(k, toJson(v)));
				yield object;
			}
			case LIST_VALUE -> {
				ArrayNode array = nodes.arrayNode();
				value.getListValue().getValuesList().forEach((v) -> array.add(toJson(v)));
				yield array;
			}
			default -> nodes.nullNode();
		};
	}

	private StatusRuntimeException failure(AppendResult result) {
		if (result instanceof AppendResult.WrongExpectedVersion wev) {
			return error(Code.FAILED_PRECONDITION, "STREAM_REVISION_CONFLICT",
					"Stream " + wev.stream() + ": expected revision " + wev.expectedRevision()
							+ " but the actual revision is " + wev.actualRevision(),
					StreamRevisionConflictErrorDetails.newBuilder()
						.setStream(wev.stream())
						.setExpectedRevision(wev.expectedRevision())
						.setActualRevision(wev.actualRevision())
						.build());
		}
		AppendResult.StreamDeleted deleted = (AppendResult.StreamDeleted) result;
		// Like the real server, any deleted-stream write result is reported as tombstoned.
		return error(Code.FAILED_PRECONDITION, "STREAM_TOMBSTONED", "Stream " + deleted.stream() + " is deleted.",
				StreamTombstonedErrorDetails.newBuilder().setStream(deleted.stream()).build());
	}

	private static StatusRuntimeException error(Code code, String reason, String message, Message details) {
		com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
			.setCode(code.getNumber())
			.setMessage(message)
			.addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()));
		if (details != null) {
			status.addDetails(Any.pack(details));
		}
		return StatusProto.toStatusRuntimeException(status.build());
	}

}
