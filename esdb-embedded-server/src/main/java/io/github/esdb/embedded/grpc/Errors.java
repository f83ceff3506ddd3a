package io.github.esdb.embedded.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The v1 error convention: a status plus ASCII trailers, {@code exception} naming the kind. Public so that services
 * plugged in through {@code ServiceFactory} (e.g. persistent subscriptions) signal errors the same way.
 */
public final class Errors {

	private Errors() {
	}

	/**
	 * An error with trailers.
	 * @param status the status (with description)
	 * @param trailerPairs ASCII trailer keys and values, alternating
	 * @return the exception to pass to {@code onError}
	 */
	public static StatusRuntimeException of(Status status, String... trailerPairs) {
		Metadata trailers = new Metadata();
		for (int i = 0; i + 1 < trailerPairs.length; i += 2) {
			trailers.put(Metadata.Key.of(trailerPairs[i], Metadata.ASCII_STRING_MARSHALLER), trailerPairs[i + 1]);
		}
		return status.asRuntimeException(trailers);
	}

	/**
	 * INVALID_ARGUMENT with a message, for malformed requests.
	 * @param message what is wrong
	 * @return the exception
	 */
	public static StatusRuntimeException invalidArgument(String message) {
		return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
	}

	/**
	 * PERMISSION_DENIED {@code exception: access-denied}, the real node's answer to an operation the user may not
	 * perform.
	 * @return the exception
	 */
	public static StatusRuntimeException accessDenied() {
		return of(Status.PERMISSION_DENIED.withDescription("Access Denied"), "exception", "access-denied");
	}

	/**
	 * FAILED_PRECONDITION {@code exception: stream-deleted}.
	 * @param stream the stream
	 * @return the exception
	 */
	public static StatusRuntimeException streamDeleted(String stream) {
		return of(Status.FAILED_PRECONDITION.withDescription("Event stream '" + stream + "' is deleted."),
				"exception", "stream-deleted", "stream-name", ascii(stream));
	}

	/**
	 * FAILED_PRECONDITION {@code exception: wrong-expected-version} with the raw expected and actual versions.
	 * @param stream the stream
	 * @param expected the raw expected revision
	 * @param actual the actual revision, -1 for no stream
	 * @return the exception
	 */
	public static StatusRuntimeException wrongExpectedVersion(String stream, long expected, long actual) {
		return of(
				Status.FAILED_PRECONDITION.withDescription("Append failed due to WrongExpectedVersion. Stream: "
						+ stream + ", Expected version: " + expected + ", Actual version: " + actual),
				"exception", "wrong-expected-version", "stream-name", ascii(stream), "expected-version",
				Long.toString(expected), "actual-version", Long.toString(actual));
	}

	/**
	 * UNAVAILABLE, e.g. when the server shuts down under a long-running call.
	 * @param message the description
	 * @return the exception
	 */
	public static StatusRuntimeException unavailable(String message) {
		return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
	}

	/**
	 * Makes a value safe for an ASCII trailer: other characters become {@code ?}.
	 * @param value the value
	 * @return the ASCII form
	 */
	public static String ascii(String value) {
		StringBuilder builder = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			builder.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return builder.toString();
	}

}
