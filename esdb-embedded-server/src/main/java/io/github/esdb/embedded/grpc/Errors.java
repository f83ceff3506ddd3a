package io.github.esdb.embedded.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The v1 error convention: a status plus ASCII trailers, {@code exception} naming the kind. */
final class Errors {

	private Errors() {
	}

	static StatusRuntimeException of(Status status, String... trailerPairs) {
		Metadata trailers = new Metadata();
		for (int i = 0; i + 1 < trailerPairs.length; i += 2) {
			trailers.put(Metadata.Key.of(trailerPairs[i], Metadata.ASCII_STRING_MARSHALLER), trailerPairs[i + 1]);
		}
		return status.asRuntimeException(trailers);
	}

	static StatusRuntimeException invalidArgument(String message) {
		return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
	}

	static StatusRuntimeException streamDeleted(String stream) {
		return of(Status.FAILED_PRECONDITION.withDescription("Event stream '" + stream + "' is deleted."),
				"exception", "stream-deleted", "stream-name", ascii(stream));
	}

	static StatusRuntimeException wrongExpectedVersion(String stream, long expected, long actual) {
		return of(
				Status.FAILED_PRECONDITION.withDescription("Append failed due to WrongExpectedVersion. Stream: "
						+ stream + ", Expected version: " + expected + ", Actual version: " + actual),
				"exception", "wrong-expected-version", "stream-name", ascii(stream), "expected-version",
				Long.toString(expected), "actual-version", Long.toString(actual));
	}

	static StatusRuntimeException unavailable(String message) {
		return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
	}

	/** ASCII trailers cannot carry every character; keep what the client can compare. */
	static String ascii(String value) {
		StringBuilder builder = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			builder.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return builder.toString();
	}

}
