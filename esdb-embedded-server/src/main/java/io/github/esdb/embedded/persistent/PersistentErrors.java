package io.github.esdb.embedded.persistent;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The real server's persistent-subscription errors (server {@code RpcExceptions}): a status plus ASCII trailers,
 * {@code exception} naming the kind, with {@code stream-name} and {@code group-name}.
 */
final class PersistentErrors {

	private PersistentErrors() {
	}

	static StatusRuntimeException from(PersistentSubscriptionException ex) {
		return switch (ex.kind()) {
			case ALREADY_EXISTS -> exists(ex.stream(), ex.group());
			case NOT_FOUND -> doesNotExist(ex.stream(), ex.group());
			case MAXIMUM_SUBSCRIBERS_REACHED -> maximumSubscribersReached(ex.stream(), ex.group());
			case FAILED -> failed(ex.stream(), ex.group(), ex.getMessage());
		};
	}

	static StatusRuntimeException exists(String stream, String group) {
		return of(Status.ALREADY_EXISTS
			.withDescription("Subscription group " + group + " on stream " + stream + " exists."),
				"persistent-subscription-exists", stream, group);
	}

	static StatusRuntimeException doesNotExist(String stream, String group) {
		return of(Status.NOT_FOUND
			.withDescription("Subscription group '" + group + "' on stream '" + stream + "' does not exist."),
				"persistent-subscription-does-not-exist", stream, group);
	}

	static StatusRuntimeException maximumSubscribersReached(String stream, String group) {
		return of(Status.FAILED_PRECONDITION.withDescription("Maximum subscriptions reached for subscription group '"
				+ group + "' on stream '" + stream + ".'"), "maximum-subscribers-reached", stream, group);
	}

	static StatusRuntimeException dropped(String stream, String group) {
		return of(Status.CANCELLED
			.withDescription("Subscription group '" + group + "' on stream '" + stream + "' was dropped."),
				"persistent-subscription-dropped", stream, group);
	}

	static StatusRuntimeException failed(String stream, String group, String reason) {
		StatusRuntimeException base = of(Status.INTERNAL
			.withDescription("Subscription group " + group + " on stream " + stream + " failed: '" + reason + "'."),
				"persistent-subscription-failed", stream, group);
		base.getTrailers().put(key("reason"), ascii(reason));
		return base;
	}

	static StatusRuntimeException unavailable() {
		return Status.UNAVAILABLE.withDescription("Server is shutting down.").asRuntimeException();
	}

	static StatusRuntimeException invalidArgument(String message) {
		return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
	}

	private static StatusRuntimeException of(Status status, String exception, String stream, String group) {
		Metadata trailers = new Metadata();
		trailers.put(key("exception"), exception);
		trailers.put(key("stream-name"), ascii(stream));
		trailers.put(key("group-name"), ascii(group));
		return status.asRuntimeException(trailers);
	}

	private static Metadata.Key<String> key(String name) {
		return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
	}

	/** ASCII trailers cannot carry every character; keep what the client can compare. */
	private static String ascii(String value) {
		StringBuilder builder = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			builder.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return builder.toString();
	}

}
