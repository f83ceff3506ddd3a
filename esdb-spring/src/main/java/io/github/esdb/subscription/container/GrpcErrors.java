package io.github.esdb.subscription.container;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Reads gRPC status codes out of the client's exceptions, which the 1.1.0 client mostly passes through raw.
 */
final class GrpcErrors {

	private GrpcErrors() {
	}

	static boolean hasCode(Throwable error, Status.Code code) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (current instanceof StatusRuntimeException status && status.getStatus().getCode() == code) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

}
