package io.github.esdb.embedded.projections;

import java.util.function.Supplier;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.github.esdb.embedded.grpc.AccessControl;
import io.github.esdb.embedded.projections.SystemProjections.ProjectionStatistics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.CreateReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.CreateResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.DeleteReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.DeleteResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.DisableReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.DisableResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.EnableReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.EnableResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.ResetReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.ResetResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.ResultReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.ResultResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.StateReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.StateResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.StatisticsReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.StatisticsResp;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.UpdateReq;
import io.kurrent.dbclient.proto.projections.Projectionmanagement.UpdateResp;
import io.kurrent.dbclient.proto.projections.ProjectionsGrpc;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * {@code event_store.client.projections.Projections} over the system projections: list and statistics, enable,
 * disable, reset, state and result (empty for the native system projections, as on the real node), restart of the
 * subsystem. Unknown names get the real node's {@code NOT_FOUND "Projection '<name>' not found"}. User-defined
 * (JavaScript) projections cannot be created, updated or deleted: those calls end with {@code FAILED_PRECONDITION}
 * and a message that names the limit.
 */
public final class ProjectionsService extends ProjectionsGrpc.ProjectionsImplBase {

	private final SystemProjections projections;

	private final AccessControl access;

	/**
	 * Creates the service.
	 * @param projections the projections it manages
	 * @param access the access rules: like the real node, enabling, disabling and resetting a continuous projection
	 * needs {@code $ops} or {@code $admins}; listing and statistics need only an authenticated user
	 */
	public ProjectionsService(SystemProjections projections, AccessControl access) {
		this.projections = projections;
		this.access = access;
	}

	@Override
	public void create(CreateReq request, StreamObserver<CreateResp> responseObserver) {
		CreateReq.Options options = request.getOptions();
		String name = switch (options.getModeCase()) {
			case CONTINUOUS -> options.getContinuous().getName();
			case TRANSIENT -> options.getTransient().getName();
			default -> "(one-time)";
		};
		responseObserver.onError(Status.FAILED_PRECONDITION
			.withDescription("Cannot create projection '" + name + "': the embedded KurrentDB server runs only the "
					+ "system projections ($streams, $stream_by_category, $by_category, $by_event_type) and no "
					+ "user-defined JavaScript projections. Test it against a real KurrentDB node (for example "
					+ "with Testcontainers).")
			.asRuntimeException());
	}

	@Override
	public void update(UpdateReq request, StreamObserver<UpdateResp> responseObserver) {
		String name = request.getOptions().getName();
		answer(name, responseObserver, () -> {
			throw new IllegalStateException("Cannot update projection '" + name + "': the embedded KurrentDB server "
					+ "runs the system projections with their standard definitions and cannot change their query.");
		});
	}

	@Override
	public void delete(DeleteReq request, StreamObserver<DeleteResp> responseObserver) {
		String name = request.getOptions().getName();
		answer(name, responseObserver, () -> {
			throw new IllegalStateException("Cannot delete projection '" + name + "': it is a system projection of "
					+ "the embedded KurrentDB server; disable it instead.");
		});
	}

	@Override
	public void statistics(StatisticsReq request, StreamObserver<StatisticsResp> responseObserver) {
		StatisticsReq.Options options = request.getOptions();
		String name = (options.getModeCase() == StatisticsReq.Options.ModeCase.NAME) ? options.getName() : null;
		if (name != null && !this.projections.exists(name)) {
			responseObserver.onError(notFound(name));
			return;
		}
		// All of them are continuous: a request for one-time or transient projections lists none.
		boolean listed = switch (options.getModeCase()) {
			case TRANSIENT, ONE_TIME -> false;
			default -> true;
		};
		if (listed) {
			for (ProjectionStatistics statistics : this.projections.statistics()) {
				if (name == null || name.equals(statistics.name())) {
					responseObserver.onNext(StatisticsResp.newBuilder().setDetails(details(statistics)).build());
				}
			}
		}
		responseObserver.onCompleted();
	}

	private static StatisticsResp.Details details(ProjectionStatistics statistics) {
		String position = (statistics.position() > 0)
				? "C:" + statistics.position() + "/P:" + statistics.position() : "";
		return StatisticsResp.Details.newBuilder()
			.setName(statistics.name())
			.setEffectiveName(statistics.name())
			.setMode("Continuous")
			.setStatus(statistics.running() ? "Running" : "Stopped")
			.setStateReason("")
			.setPosition(position)
			.setLastCheckpoint(position)
			.setCheckpointStatus("")
			.setProgress(statistics.progress())
			.setEventsProcessedAfterRestart(statistics.processed())
			.setVersion(statistics.version())
			.setEpoch(statistics.epoch())
			.setPartitionsCached(1)
			.build();
	}

	@Override
	public void enable(EnableReq request, StreamObserver<EnableResp> responseObserver) {
		String name = request.getOptions().getName();
		answer(name, responseObserver, () -> {
			this.access.checkOperationsOrAdmins();
			this.projections.enable(name);
			return EnableResp.getDefaultInstance();
		});
	}

	@Override
	public void disable(DisableReq request, StreamObserver<DisableResp> responseObserver) {
		String name = request.getOptions().getName();
		answer(name, responseObserver, () -> {
			this.access.checkOperationsOrAdmins();
			this.projections.disable(name);
			return DisableResp.getDefaultInstance();
		});
	}

	@Override
	public void reset(ResetReq request, StreamObserver<ResetResp> responseObserver) {
		String name = request.getOptions().getName();
		answer(name, responseObserver, () -> {
			this.access.checkOperationsOrAdmins();
			this.projections.reset(name);
			return ResetResp.getDefaultInstance();
		});
	}

	@Override
	public void state(StateReq request, StreamObserver<StateResp> responseObserver) {
		// The native system projections keep no state: the real node answers with an empty object.
		answer(request.getOptions().getName(), responseObserver,
				() -> StateResp.newBuilder().setState(emptyObject()).build());
	}

	@Override
	public void result(ResultReq request, StreamObserver<ResultResp> responseObserver) {
		answer(request.getOptions().getName(), responseObserver,
				() -> ResultResp.newBuilder().setResult(emptyObject()).build());
	}

	/**
	 * Answers a call about one projection: {@code NOT_FOUND} for an unknown name, {@code FAILED_PRECONDITION} when
	 * the action refuses with an {@link IllegalStateException}, else the action's response.
	 */
	private <T> void answer(String name, StreamObserver<T> responseObserver, Supplier<T> action) {
		if (!this.projections.exists(name)) {
			responseObserver.onError(notFound(name));
			return;
		}
		T response;
		try {
			response = action.get();
		}
		catch (IllegalStateException ex) {
			responseObserver.onError(Status.FAILED_PRECONDITION.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		catch (StatusRuntimeException ex) {
			responseObserver.onError(ex);
			return;
		}
		responseObserver.onNext(response);
		responseObserver.onCompleted();
	}

	@Override
	public void restartSubsystem(Shared.Empty request, StreamObserver<Shared.Empty> responseObserver) {
		// The projections keep their positions across a restart of the subsystem, as with checkpoints on a real node.
		responseObserver.onNext(Shared.Empty.getDefaultInstance());
		responseObserver.onCompleted();
	}

	private static Value emptyObject() {
		return Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();
	}

	private static RuntimeException notFound(String name) {
		return Status.NOT_FOUND.withDescription("Projection '" + name + "' not found").asRuntimeException();
	}

}
