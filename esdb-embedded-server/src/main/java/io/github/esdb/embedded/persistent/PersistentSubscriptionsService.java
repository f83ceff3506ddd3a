package io.github.esdb.embedded.persistent;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.embedded.grpc.AccessControl;
import io.github.esdb.embedded.grpc.Errors;
import io.github.esdb.embedded.grpc.EventConverter;
import io.github.esdb.embedded.grpc.StreamAccess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.CreateReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.CreateResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.DeleteReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.DeleteResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.GetInfoReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.GetInfoResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ListReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ListResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReplayParkedReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReplayParkedResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * The {@code event_store.client.persistent_subscriptions.PersistentSubscriptions} gRPC service: translates requests
 * for the {@link PersistentSubscriptionManager} and streams events to {@code Read} calls.
 */
public final class PersistentSubscriptionsService
		extends PersistentSubscriptionsGrpc.PersistentSubscriptionsImplBase {

	private static final Logger logger = LoggerFactory.getLogger(PersistentSubscriptionsService.class);

	private final PersistentSubscriptionManager manager;

	private final AccessControl access;

	/**
	 * Creates the service.
	 * @param manager the started manager
	 * @param access the access rules: like the real node, managing groups (create, update, delete, replay parked,
	 * restart) needs {@code $ops} or {@code $admins}, consuming needs read access to the stream (or {@code $all}),
	 * and listing and statistics need only an authenticated user
	 */
	public PersistentSubscriptionsService(PersistentSubscriptionManager manager, AccessControl access) {
		this.manager = manager;
		this.access = access;
	}

	@Override
	public void create(CreateReq request, StreamObserver<CreateResp> responseObserver) {
		unary(responseObserver, () -> {
			PersistentSubscriptionsService.this.access.checkOperationsOrAdmins();
			this.manager.create(RequestMapper.create(request));
			return CreateResp.getDefaultInstance();
		});
	}

	@Override
	public void update(io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.UpdateReq request,
			StreamObserver<io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.UpdateResp> responseObserver) {
		unary(responseObserver, () -> {
			PersistentSubscriptionsService.this.access.checkOperationsOrAdmins();
			this.manager.update(RequestMapper.update(request));
			return io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.UpdateResp.getDefaultInstance();
		});
	}

	@Override
	public void delete(DeleteReq request, StreamObserver<DeleteResp> responseObserver) {
		unary(responseObserver, () -> {
			DeleteReq.Options options = request.getOptions();
			String stream = (options.getStreamOptionCase() == DeleteReq.Options.StreamOptionCase.ALL)
					? GroupDefinition.ALL : RequestMapper.streamName(options.getStreamIdentifier());
			this.access.checkOperationsOrAdmins();
			this.manager.delete(stream, options.getGroupName());
			return DeleteResp.getDefaultInstance();
		});
	}

	@Override
	public void getInfo(GetInfoReq request, StreamObserver<GetInfoResp> responseObserver) {
		unary(responseObserver, () -> {
			GetInfoReq.Options options = request.getOptions();
			String stream = (options.getStreamOptionCase() == GetInfoReq.Options.StreamOptionCase.ALL)
					? GroupDefinition.ALL : RequestMapper.streamName(options.getStreamIdentifier());
			GroupInfo info = this.manager.require(stream, options.getGroupName()).info();
			return GetInfoResp.newBuilder().setSubscriptionInfo(InfoMapper.toWire(info)).build();
		});
	}

	@Override
	public void list(ListReq request, StreamObserver<ListResp> responseObserver) {
		unary(responseObserver, () -> {
			ListReq.Options options = request.getOptions();
			List<GroupInfo> infos;
			if (options.getListOptionCase() == ListReq.Options.ListOptionCase.LIST_FOR_STREAM) {
				ListReq.StreamOption option = options.getListForStream();
				infos = this.manager.list((option.getStreamOptionCase() == ListReq.StreamOption.StreamOptionCase.ALL)
						? GroupDefinition.ALL : RequestMapper.streamName(option.getStream()));
			}
			else {
				infos = this.manager.list();
			}
			ListResp.Builder response = ListResp.newBuilder();
			infos.forEach((info) -> response.addSubscriptions(InfoMapper.toWire(info)));
			return response.build();
		});
	}

	@Override
	public void replayParked(ReplayParkedReq request, StreamObserver<ReplayParkedResp> responseObserver) {
		unary(responseObserver, () -> {
			ReplayParkedReq.Options options = request.getOptions();
			String stream = (options.getStreamOptionCase() == ReplayParkedReq.Options.StreamOptionCase.ALL)
					? GroupDefinition.ALL : RequestMapper.streamName(options.getStreamIdentifier());
			long stopAt = (options.getStopAtOptionCase() == ReplayParkedReq.Options.StopAtOptionCase.STOP_AT)
					? options.getStopAt() : Long.MAX_VALUE;
			this.access.checkOperationsOrAdmins();
			this.manager.require(stream, options.getGroupName()).replayParked(stopAt);
			return ReplayParkedResp.getDefaultInstance();
		});
	}

	@Override
	public void restartSubsystem(Shared.Empty request, StreamObserver<Shared.Empty> responseObserver) {
		unary(responseObserver, () -> {
			PersistentSubscriptionsService.this.access.checkOperationsOrAdmins();
			this.manager.restart();
			return Shared.Empty.getDefaultInstance();
		});
	}

	@Override
	public StreamObserver<ReadReq> read(StreamObserver<ReadResp> responseObserver) {
		ServerCallStreamObserver<ReadResp> out = (ServerCallStreamObserver<ReadResp>) responseObserver;
		ReadCall call = new ReadCall(out, CallInfo.current());
		out.setOnCancelHandler(call::cancelled);
		out.setOnReadyHandler(call::ready);
		return call;
	}

	private static <T> void unary(StreamObserver<T> observer, Supplier<T> action) {
		T response;
		try {
			response = action.get();
		}
		catch (PersistentSubscriptionException ex) {
			observer.onError(PersistentErrors.from(ex));
			return;
		}
		catch (StatusRuntimeException ex) {
			observer.onError(ex);
			return;
		}
		catch (RuntimeException ex) {
			logger.error("Persistent subscription request failed", ex);
			observer.onError(Status.INTERNAL.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		observer.onNext(response);
		observer.onCompleted();
	}

	/**
	 * One {@code Read} call: the first request names the group, later ones ack and nack. All writes to the response
	 * stream happen under the group's lock (see {@link Subscriber}), so they never interleave.
	 */
	private final class ReadCall implements StreamObserver<ReadReq>, Subscriber {

		private final ServerCallStreamObserver<ReadResp> out;

		private final CallInfo callInfo;

		private EventConverter converter;

		private String stream;

		private String group;

		private volatile PersistentSubscriptionGroup.Handle handle;

		private volatile boolean closed;

		ReadCall(ServerCallStreamObserver<ReadResp> out, CallInfo callInfo) {
			this.out = out;
			this.callInfo = callInfo;
		}

		@Override
		public void onNext(ReadReq request) {
			if (this.closed) {
				return;
			}
			PersistentSubscriptionGroup.Handle current = this.handle;
			switch (request.getContentCase()) {
				case OPTIONS -> {
					if (current == null) {
						open(request.getOptions());
					}
				}
				case ACK -> {
					if (current == null) {
						fail(PersistentErrors.invalidArgument("The first ReadReq must carry the options, not an ack."));
					}
					else {
						current.ack(ids(request.getAck().getIdsList()));
					}
				}
				case NACK -> {
					if (current == null) {
						fail(PersistentErrors.invalidArgument("The first ReadReq must carry the options, not a nack."));
					}
					else {
						ReadReq.Nack nack = request.getNack();
						current.nack(ids(nack.getIdsList()), action(nack.getAction()), nack.getReason());
					}
				}
				default -> fail(PersistentErrors.invalidArgument("Unexpected request " + request.getContentCase()));
			}
		}

		private void open(ReadReq.Options options) {
			if (options.getStreamOptionCase() == ReadReq.Options.StreamOptionCase.STREAMOPTION_NOT_SET) {
				fail(PersistentErrors.invalidArgument("ReadReq.options needs a stream_identifier or all."));
				return;
			}
			this.stream = (options.getStreamOptionCase() == ReadReq.Options.StreamOptionCase.ALL) ? GroupDefinition.ALL
					: options.getStreamIdentifier().getStreamName().toStringUtf8();
			this.group = options.getGroupName();
			if (!PersistentSubscriptionsService.this.access.allows(this.stream, StreamAccess.READ)) {
				fail(Errors.accessDenied());
				return;
			}
			this.converter = new EventConverter(
					options.getUuidOption().getContentCase() != ReadReq.Options.UUIDOption.ContentCase.STRING);
			PersistentSubscriptionGroup target;
			try {
				target = PersistentSubscriptionsService.this.manager.require(this.stream, this.group);
			}
			catch (PersistentSubscriptionException ex) {
				fail(PersistentErrors.from(ex));
				return;
			}
			String id = GroupDefinition.key(this.stream, this.group);
			PersistentSubscriptionGroup.Handle opened = target.subscribe(this, options.getBufferSize(),
					this.callInfo.from(), this.callInfo.username(), this.callInfo.connectionName(),
					() -> this.out.onNext(ReadResp.newBuilder()
						.setSubscriptionConfirmation(ReadResp.SubscriptionConfirmation.newBuilder()
							.setSubscriptionId(id))
						.build()));
			if (opened == null) {
				if (!this.closed) {
					fail(PersistentErrors.maximumSubscribersReached(this.stream, this.group));
				}
				return;
			}
			this.handle = opened;
			if (this.closed) {
				// Cancelled while subscribing: make sure the group forgets this subscriber.
				opened.close();
			}
		}

		@Override
		public void onError(Throwable t) {
			cancelled();
		}

		@Override
		public void onCompleted() {
			// The client half-closed its request stream; like the real server keep delivering until it cancels.
		}

		void cancelled() {
			this.closed = true;
			PersistentSubscriptionGroup.Handle current = this.handle;
			if (current != null) {
				current.close();
			}
		}

		void ready() {
			PersistentSubscriptionGroup.Handle current = this.handle;
			if (current != null) {
				current.ready();
			}
		}

		@Override
		public boolean isReady() {
			return !this.closed && this.out.isReady();
		}

		@Override
		public void deliver(Message message) {
			if (this.closed) {
				return;
			}
			try {
				this.out.onNext(this.converter.persistentReadResponse(message.event(), message.link(),
						message.original().position(), message.retryCount()));
			}
			catch (RuntimeException ex) {
				// The call ended under us; the cancel handler tells the group.
				logger.debug("Could not deliver to a subscriber of {}::{}", this.stream, this.group, ex);
			}
		}

		@Override
		public void drop(DropReason reason) {
			fail(switch (reason) {
				case DELETED -> PersistentErrors.doesNotExist(this.stream, this.group);
				case UNSUBSCRIBED -> PersistentErrors.dropped(this.stream, this.group);
				case SHUTDOWN -> PersistentErrors.unavailable();
			});
		}

		@Override
		public void failed(StatusRuntimeException error) {
			fail(error);
		}

		private void fail(StatusRuntimeException error) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			try {
				this.out.onError(error);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not end a subscriber call of {}::{}", this.stream, this.group, ex);
			}
		}

		private List<UUID> ids(List<Shared.UUID> wire) {
			List<UUID> ids = new ArrayList<>(wire.size());
			for (Shared.UUID id : wire) {
				switch (id.getValueCase()) {
					case STRUCTURED -> ids.add(new UUID(id.getStructured().getMostSignificantBits(),
							id.getStructured().getLeastSignificantBits()));
					case STRING -> {
						try {
							ids.add(UUID.fromString(id.getString()));
						}
						catch (IllegalArgumentException ex) {
							logger.debug("Ignoring malformed event id {}", id.getString());
						}
					}
					default -> {
					}
				}
			}
			return ids;
		}

		private PersistentSubscriptionGroup.NackAction action(ReadReq.Nack.Action action) {
			return switch (action) {
				case Park -> PersistentSubscriptionGroup.NackAction.PARK;
				case Retry -> PersistentSubscriptionGroup.NackAction.RETRY;
				case Skip -> PersistentSubscriptionGroup.NackAction.SKIP;
				case Stop -> PersistentSubscriptionGroup.NackAction.STOP;
				default -> PersistentSubscriptionGroup.NackAction.UNKNOWN;
			};
		}

	}

}
