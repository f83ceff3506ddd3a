package io.github.esdb.connection;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.ConnectionShutdownException;
import io.kurrent.dbclient.KurrentDBClientSettings;
import org.jspecify.annotations.Nullable;

/**
 * A connection failure that retrying will not cure, because the configuration is wrong: the server refused the
 * credentials, refused the user the operation (access denied), or the client and the server do not agree on TLS. Its {@link #message()} says what to fix, naming the
 * properties, and never shows a credential. The one place that reads the official client's exceptions for this: the
 * {@code esdb} health, the subscription health and the subscriptions' last error all use it, mostly through
 * {@link KurrentDBClientProvider#diagnose(Throwable)}.
 * <p>
 * What client 1.1.0 raises, found against a server with users and TLS:
 * <ul>
 * <li>wrong or missing credentials: {@code StatusRuntimeException} {@code UNAUTHENTICATED} from the call itself (the
 * connection's server-features call is anonymous and succeeds);</li>
 * <li>a TLS client against a plain-text server: {@code UNAVAILABLE} caused by netty's {@code NotSslRecordException};
 * </li>
 * <li>an untrusted certificate: {@code UNAVAILABLE} caused by an {@code SSLHandshakeException} caused by a
 * certificate path error;</li>
 * <li>a plain-text client against a TLS server: {@code UNAVAILABLE} "Network closed for unknown reason", without a
 * cause;</li>
 * </ul>
 * and in the three TLS cases only on the connection's first call: the call the application made then fails, once the
 * client gave up after its discovery attempts, with a {@code ConnectionShutdownException} that carries no cause. So
 * the TLS cases need what {@link ConnectionDiagnostics} recorded on the channel.
 *
 * @param kind what went wrong
 * @param message what went wrong and which properties to fix, without any credential
 */
public record ConnectionFailure(Kind kind, String message) {

	static final String CREDENTIALS_HINT = "check esdb.username and esdb.password (or the user info of "
			+ "esdb.connection-string)";

	private static final ConnectionFailure ACCESS_DENIED_FAILURE = new ConnectionFailure(Kind.ACCESS_DENIED,
			"access denied: the server refuses this operation to the user of esdb.username; grant the user read "
					+ "access to the subscribed stream in its $acl (or the defaults of $settings), use a user in "
					+ "$admins to read $all or system streams (the checkpoint streams $esdb-checkpoint-<id> are "
					+ "system streams), and one in $ops or $admins to create or update persistent subscription "
					+ "groups");

	/** What kind of misconfiguration. */
	public enum Kind {

		/** The server did not accept the credentials, or needed some and got none. */
		AUTHENTICATION,

		/** The client and the server do not agree on TLS, or the client does not trust the server's certificate. */
		TLS,

		/**
		 * The server knows the user but refuses it the operation ({@code PERMISSION_DENIED}): its rights, not the
		 * connection, need fixing.
		 */
		ACCESS_DENIED

	}

	/**
	 * Classify an error from the official client by its exception chain and gRPC status alone.
	 * @param error what a call failed with (wrappers such as {@code ExecutionException} are looked through)
	 * @param settings the client's settings, to tell which side of a TLS mismatch is which and whether credentials
	 * were configured; {@code null} when unknown
	 * @return the failure, or empty when the error is not an authentication or TLS failure (or cannot be told from
	 * the chain, as the client's {@code ConnectionShutdownException} cannot)
	 */
	public static Optional<ConnectionFailure> classify(@Nullable Throwable error,
			@Nullable KurrentDBClientSettings settings) {
		Throwable certificate = null;
		Throwable ssl = null;
		boolean plainTextAnswer = false;
		boolean tlsAnswer = false;
		int depth = 0;
		for (Throwable current = error; current != null && depth < 32; current = next(current), depth++) {
			Status status = status(current);
			if (status != null && status.getCode() == Status.Code.UNAUTHENTICATED) {
				return Optional.of(authentication(settings));
			}
			if (status != null && status.getCode() == Status.Code.PERMISSION_DENIED) {
				return Optional.of(ACCESS_DENIED_FAILURE);
			}
			String name = current.getClass().getSimpleName();
			String message = String.valueOf(current.getMessage());
			if (name.equals("NotSslRecordException") || message.contains("not an SSL/TLS record")) {
				plainTextAnswer = true;
			}
			else if (current instanceof CertificateException || current instanceof CertPathValidatorException
					|| current instanceof CertPathBuilderException
					|| (current instanceof GeneralSecurityException && name.equals("ValidatorException"))) {
				// The deepest is the most precise ("unable to find valid certification path ...").
				certificate = current;
			}
			else if (current instanceof SSLException) {
				ssl = (ssl != null) ? ssl : current;
			}
			else if (isTlsRecordSeenAsHttp2(message)) {
				tlsAnswer = true;
			}
		}
		if (plainTextAnswer) {
			return Optional.of(tlsClientPlainTextServer());
		}
		if (tlsAnswer) {
			return Optional.of(plainTextClientTlsServer());
		}
		if (certificate != null) {
			return Optional.of(new ConnectionFailure(Kind.TLS, "TLS handshake failed: the server's certificate is not "
					+ "trusted (" + brief(certificate) + "); point esdb.tls-ca-file (or tlsCaFile= in "
					+ "esdb.connection-string) at the CA that signed it, or, outside production only, turn the "
					+ "check off with esdb.tls-verify-cert=false (tlsVerifyCert=false)"));
		}
		if (ssl != null) {
			return Optional.of(new ConnectionFailure(Kind.TLS, "TLS handshake failed (" + brief(ssl) + "); check "
					+ "esdb.tls, esdb.tls-verify-cert and esdb.tls-ca-file (tls=, tlsVerifyCert= and tlsCaFile= in "
					+ "esdb.connection-string)"));
		}
		return Optional.empty();
	}

	/**
	 * Whether an error says only that the connection is not there (closed, unavailable, no answer in time), so that
	 * what the channel saw may tell more.
	 * @param error what a call failed with
	 * @return true for the client's {@code ConnectionShutdownException}, {@code UNAVAILABLE},
	 * {@code DEADLINE_EXCEEDED} and a {@code TimeoutException}
	 */
	static boolean isConnectionLevel(@Nullable Throwable error) {
		int depth = 0;
		for (Throwable current = error; current != null && depth < 32; current = next(current), depth++) {
			if (current instanceof ConnectionShutdownException || current instanceof TimeoutException) {
				return true;
			}
			Status status = status(current);
			if (status != null && (status.getCode() == Status.Code.UNAVAILABLE
					|| status.getCode() == Status.Code.DEADLINE_EXCEEDED)) {
				return true;
			}
		}
		return false;
	}

	static ConnectionFailure authentication(@Nullable KurrentDBClientSettings settings) {
		if (settings != null && settings.getDefaultCredentials() == null) {
			return new ConnectionFailure(Kind.AUTHENTICATION, "authentication failed: the server requires "
					+ "credentials and none are configured; set esdb.username and esdb.password (or the user info of "
					+ "esdb.connection-string)");
		}
		return new ConnectionFailure(Kind.AUTHENTICATION, "authentication failed; " + CREDENTIALS_HINT);
	}

	static ConnectionFailure tlsClientPlainTextServer() {
		return new ConnectionFailure(Kind.TLS, "TLS handshake failed: the server answered in plain text, so it does "
				+ "not use TLS; set esdb.tls=false (or tls=false in esdb.connection-string) for an insecure server, "
				+ "or turn TLS on at the server");
	}

	static ConnectionFailure plainTextClientTlsServer() {
		return new ConnectionFailure(Kind.TLS, "TLS mismatch: the server expects TLS but the client connects in plain "
				+ "text; set esdb.tls=true (or tls=true in esdb.connection-string), and trust the server's certificate "
				+ "with esdb.tls-ca-file (tlsCaFile=) unless a public CA signed it");
	}

	/**
	 * A plain-text HTTP/2 client that reads a TLS record (an alert or a handshake: 0x15 or 0x16, then version 3.x)
	 * where the server's SETTINGS frame should be.
	 */
	private static boolean isTlsRecordSeenAsHttp2(String message) {
		String lower = message.toLowerCase(Locale.ROOT);
		int at = lower.indexOf("first received frame was not settings");
		if (at < 0) {
			return false;
		}
		String hex = lower.substring(at).replaceAll("[^0-9a-f]", "");
		return hex.contains("150303") || hex.contains("160303") || hex.contains("150301") || hex.contains("160301");
	}

	private static @Nullable Status status(Throwable error) {
		if (error instanceof StatusRuntimeException runtime) {
			return runtime.getStatus();
		}
		if (error instanceof StatusException checked) {
			return checked.getStatus();
		}
		return null;
	}

	private static @Nullable Throwable next(Throwable error) {
		Throwable cause = error.getCause();
		return (cause != error) ? cause : null;
	}

	private static String brief(Throwable error) {
		String message = (error.getMessage() != null) ? error.getMessage() : error.getClass().getSimpleName();
		// A certificate path error repeats its cause's text after the first colon; keep the end, which says why.
		int colon = message.lastIndexOf(": ");
		if (message.startsWith("PKIX path") && colon > 0) {
			message = message.substring(colon + 2);
		}
		return (message.length() > 200) ? message.substring(0, 200) + "..." : message;
	}

	@Override
	public String toString() {
		return this.message;
	}

}
