package io.github.esdb.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.KurrentDBClientSettings;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC client interceptor that remembers how the client's last call failed to reach the server, for
 * {@link KurrentDBClientProvider#diagnose(Throwable)}. Client 1.1.0 connects on a call's behalf, and when that fails
 * (a TLS mismatch, an untrusted certificate) the call only gets a {@code ConnectionShutdownException} without a cause
 * once the client gave up; the connection's own calls, which this interceptor sees, still carry the reason.
 * <p>
 * It records a call that ended {@code UNAVAILABLE} (the client shutting its own channel down aside) and forgets it
 * as soon as a call gets an answer from the server. One more case needs a look at the server: a plain-text client
 * whose connection the server closes or resets without a word, as a TLS server does (and so does a proxy with
 * nothing behind it). Then
 * it tries a TLS handshake with the server once, in the background (at most every 10 seconds per server, bounded by 2
 * seconds, trusting the JVM's default CA certificates and sending nothing after the handshake), and reports a TLS
 * mismatch only if the server answered it in TLS.
 * <p>
 * The auto-configuration adds one to the client settings it builds; an application that builds its own
 * {@link KurrentDBClientSettings} can add one with {@code addInterceptor(new ConnectionDiagnostics())}.
 */
public final class ConnectionDiagnostics implements ClientInterceptor {

	private static final Duration PROBE_INTERVAL = Duration.ofSeconds(10);

	private static final int PROBE_TIMEOUT_MILLIS = 2000;

	private volatile @Nullable Recorded last;

	private final Map<String, Probe> probes = new ConcurrentHashMap<>();

	/**
	 * The diagnostics among a client's interceptors.
	 * @param settings the client's settings
	 * @return the first {@link ConnectionDiagnostics} interceptor, empty if there is none
	 */
	public static Optional<ConnectionDiagnostics> in(KurrentDBClientSettings settings) {
		return settings.getInterceptors()
			.stream()
			.filter(ConnectionDiagnostics.class::isInstance)
			.map(ConnectionDiagnostics.class::cast)
			.findFirst();
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
		String authority = next.authority();
		return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

			@Override
			public void start(Listener<R> listener, Metadata headers) {
				super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {

					@Override
					public void onClose(Status status, Metadata trailers) {
						observe(status, authority);
						super.onClose(status, trailers);
					}

				}, headers);
			}

		};
	}

	void observe(Status status, @Nullable String authority) {
		switch (status.getCode()) {
			case UNAVAILABLE -> {
				String description = String.valueOf(status.getDescription());
				if (description.startsWith("Channel shutdown")) {
					// The client closing its own channel says nothing about the server.
					return;
				}
				Recorded recorded = new Recorded(status, authority, Instant.now());
				this.last = recorded;
				if (recorded.closedWithoutAnswer() && authority != null) {
					probe(authority);
				}
			}
			// Neither side's answer: the caller cancelled, the deadline passed, or the client failed locally.
			case CANCELLED, DEADLINE_EXCEEDED, UNKNOWN, INTERNAL -> {
			}
			// The server answered (an authentication failure is classified from the call's own error).
			default -> this.last = null;
		}
	}

	/**
	 * What the last call that could not reach the server says, when it is an authentication or TLS failure.
	 * @param settings the client's settings ({@code null} if unknown): a server that closes the connection without a
	 * word is a TLS mismatch only for a plain-text client
	 * @return the failure, empty if no call failed since the server last answered or the failure is of another kind
	 */
	Optional<ConnectionFailure> lastFailure(@Nullable KurrentDBClientSettings settings) {
		Recorded recorded = this.last;
		if (recorded == null) {
			return Optional.empty();
		}
		Optional<ConnectionFailure> classified = ConnectionFailure
			.classify(new StatusRuntimeException(recorded.status()), settings);
		if (classified.isPresent()) {
			return classified;
		}
		if (settings != null && !settings.isTls() && recorded.closedWithoutAnswer() && recorded.authority() != null) {
			Probe probe = this.probes.get(recorded.authority());
			if (probe != null && Boolean.TRUE.equals(probe.speaksTls().getNow(null))) {
				return Optional.of(ConnectionFailure.plainTextClientTlsServer());
			}
		}
		return Optional.empty();
	}

	private void probe(String authority) {
		Instant now = Instant.now();
		this.probes.compute(authority, (key, previous) -> {
			if (previous != null && (!previous.speaksTls().isDone()
					|| previous.startedAt().plus(PROBE_INTERVAL).isAfter(now))) {
				return previous;
			}
			CompletableFuture<Boolean> verdict = new CompletableFuture<>();
			Thread thread = new Thread(() -> verdict.complete(speaksTls(key)), "esdb-tls-probe");
			thread.setDaemon(true);
			thread.start();
			return new Probe(verdict, now);
		});
	}

	/**
	 * Whether the server at {@code host:port} answers a TLS handshake in TLS: it completes, or the server sent a
	 * certificate this JVM does not trust, or a TLS alert.
	 */
	static boolean speaksTls(String authority) {
		int colon = authority.lastIndexOf(':');
		if (colon <= 0) {
			return false;
		}
		String host = authority.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		try (Socket raw = new Socket()) {
			int port = Integer.parseInt(authority.substring(colon + 1));
			raw.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
			raw.setSoTimeout(PROBE_TIMEOUT_MILLIS);
			SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
			try (SSLSocket socket = (SSLSocket) factory.createSocket(raw, host, port, false)) {
				socket.startHandshake();
				return true;
			}
		}
		catch (SSLHandshakeException ex) {
			return answeredInTls(ex);
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private static boolean answeredInTls(SSLHandshakeException ex) {
		for (Throwable current = ex; current != null; current = (current.getCause() != current) ? current.getCause() : null) {
			if (current instanceof GeneralSecurityException) {
				// It sent a certificate.
				return true;
			}
			if (String.valueOf(current.getMessage()).contains("Received fatal alert")) {
				return true;
			}
		}
		return false;
	}

	/** A call that could not reach the server. */
	private record Recorded(Status status, @Nullable String authority, Instant at) {

		/**
		 * The server accepted the connection and closed it (or reset it) before saying anything: "Network closed for
		 * unknown reason" without a cause, or "Connection reset by peer".
		 */
		boolean closedWithoutAnswer() {
			if (this.status.getCause() == null) {
				return String.valueOf(this.status.getDescription()).startsWith("Network closed for unknown reason");
			}
			for (Throwable current = this.status.getCause(); current != null;
					current = (current.getCause() != current) ? current.getCause() : null) {
				if (current instanceof IOException && String.valueOf(current.getMessage()).contains("Connection reset")) {
					return true;
				}
			}
			return false;
		}

	}

	private record Probe(CompletableFuture<Boolean> speaksTls, Instant startedAt) {

	}

}
