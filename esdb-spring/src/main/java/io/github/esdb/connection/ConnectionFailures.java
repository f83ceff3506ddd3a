package io.github.esdb.connection;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Remembers why the client's last call failed to reach the database ({@code UNAVAILABLE} or
 * {@code DEADLINE_EXCEEDED}, such as a refused connection during discovery), so that the one warning per client
 * replacement can say why, while the client's own per-attempt stack traces stay out of the log.
 */
final class ConnectionFailures implements ClientInterceptor {

	private volatile @Nullable String last;

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions,
			Channel next) {
		return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {

			@Override
			public void start(Listener<R> responseListener, Metadata headers) {
				super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {

					@Override
					public void onClose(Status status, Metadata trailers) {
						record(status);
						super.onClose(status, trailers);
					}

				}, headers);
			}

		};
	}

	private void record(Status status) {
		if (status.getCode() != Status.Code.UNAVAILABLE && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
			return;
		}
		StringBuilder text = new StringBuilder(status.getCode().name());
		if (status.getDescription() != null) {
			text.append(": ").append(status.getDescription());
		}
		Throwable cause = status.getCause();
		while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		if (cause != null) {
			text.append(" (").append((cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getName())
				.append(')');
		}
		this.last = text.toString();
	}

	/**
	 * The last failure to reach the database.
	 * @return e.g. {@code UNAVAILABLE: io exception (Connection refused: /127.0.0.1:2113)}, {@code null} if none
	 */
	@Nullable String last() {
		return this.last;
	}

}
