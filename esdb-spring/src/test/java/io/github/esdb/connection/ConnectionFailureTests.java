package io.github.esdb.connection;

import java.security.cert.CertificateException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.NotSslRecordException;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classification of the exception chains client 1.1.0 raises (as found against the embedded server with users
 * and TLS; the integration tests in the auto-configuration module go through the real client).
 */
class ConnectionFailureTests {

	private static final KurrentDBClientSettings WITH_CREDENTIALS = KurrentDBConnectionString
		.parseOrThrow("kurrentdb://admin:s3cret@localhost:2113?tls=false");

	private static final KurrentDBClientSettings WITHOUT_CREDENTIALS = KurrentDBConnectionString
		.parseOrThrow("kurrentdb://localhost:2113?tls=false");

	@Test
	void unauthenticatedIsAnAuthenticationFailureThatNamesThePropertiesAndNotThePassword() {
		ExecutionException error = new ExecutionException(
				Status.UNAUTHENTICATED.withDescription("Invalid credentials for the given user.").asRuntimeException());
		ConnectionFailure failure = ConnectionFailure.classify(error, WITH_CREDENTIALS).orElseThrow();
		assertThat(failure.kind()).isEqualTo(ConnectionFailure.Kind.AUTHENTICATION);
		assertThat(failure.message()).isEqualTo("authentication failed; check esdb.username and esdb.password "
				+ "(or the user info of esdb.connection-string)")
			.doesNotContain("s3cret");
		assertThat(ConnectionFailure.classify(error, WITHOUT_CREDENTIALS).orElseThrow().message())
			.contains("none are configured", "esdb.username", "esdb.password");
	}

	@Test
	void aPlainTextAnswerToATlsClientIsATlsFailure() {
		StatusRuntimeException error = Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new NotSslRecordException("not an SSL/TLS record: 0000120400"))
			.asRuntimeException();
		ConnectionFailure failure = ConnectionFailure.classify(error, null).orElseThrow();
		assertThat(failure.kind()).isEqualTo(ConnectionFailure.Kind.TLS);
		assertThat(failure.message()).contains("esdb.tls=false", "tls=false");
	}

	@Test
	void anUntrustedCertificateNamesTheCaFileAndVerification() {
		SSLHandshakeException handshake = new SSLHandshakeException("General OpenSslEngine problem");
		handshake.initCause(new CertificateException("No subject alternative names matching IP address 10.0.0.1 found"));
		StatusRuntimeException error = Status.UNAVAILABLE.withDescription("io exception")
			.withCause(handshake)
			.asRuntimeException();
		ConnectionFailure failure = ConnectionFailure.classify(error, null).orElseThrow();
		assertThat(failure.kind()).isEqualTo(ConnectionFailure.Kind.TLS);
		assertThat(failure.message()).contains("not trusted", "No subject alternative names", "esdb.tls-ca-file",
				"tlsCaFile", "esdb.tls-verify-cert", "tlsVerifyCert");
	}

	@Test
	void anyOtherHandshakeFailureIsATlsFailure() {
		StatusRuntimeException error = Status.UNAVAILABLE
			.withCause(new SSLHandshakeException("Received fatal alert: protocol_version"))
			.asRuntimeException();
		assertThat(ConnectionFailure.classify(error, null)).get()
			.satisfies((failure) -> assertThat(failure.message()).contains("protocol_version", "esdb.tls"));
	}

	@Test
	void aTlsRecordWhereAPlainTextClientExpectedHttp2SettingsIsATlsMismatch() {
		StatusRuntimeException error = Status.UNAVAILABLE
			.withCause(new IllegalStateException("First received frame was not SETTINGS. Hex dump for first 5 bytes: "
					+ "1503030002"))
			.asRuntimeException();
		assertThat(ConnectionFailure.classify(error, WITHOUT_CREDENTIALS)).get()
			.satisfies((failure) -> assertThat(failure.message()).contains("esdb.tls=true"));
	}

	@Test
	void accessDeniedNamesTheRightsToGrantWithoutCredentials() {
		ConnectionFailure failure = ConnectionFailure
			.classify(new ExecutionException(Status.PERMISSION_DENIED.withDescription("Access Denied").asRuntimeException()), null)
			.orElseThrow();
		assertThat(failure.kind()).isEqualTo(ConnectionFailure.Kind.ACCESS_DENIED);
		assertThat(failure.message()).contains("esdb.username", "$acl", "$admins", "$ops");
	}

	@Test
	void otherErrorsAreNotClassified() {
		assertThat(ConnectionFailure.classify(new ExecutionException(Status.NOT_FOUND.asRuntimeException()), null))
			.isEmpty();
		assertThat(ConnectionFailure.classify(Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new java.net.ConnectException("Connection refused"))
			.asRuntimeException(), null)).isEmpty();
		assertThat(ConnectionFailure.classify(new IllegalStateException("negative deposit"), null)).isEmpty();
		assertThat(ConnectionFailure.classify(null, null)).isEmpty();
	}

	@Test
	void connectionLevelErrorsAreThoseTheChannelMayExplain() {
		assertThat(ConnectionFailure.isConnectionLevel(new TimeoutException())).isTrue();
		assertThat(ConnectionFailure.isConnectionLevel(Status.UNAVAILABLE.asRuntimeException())).isTrue();
		assertThat(ConnectionFailure.isConnectionLevel(new IllegalStateException("negative deposit"))).isFalse();
		assertThat(ConnectionFailure.isConnectionLevel(Status.NOT_FOUND.asRuntimeException())).isFalse();
	}

	@Test
	void diagnosticsForgetAFailureOnceTheServerAnswers() {
		ConnectionDiagnostics diagnostics = new ConnectionDiagnostics();
		diagnostics.observe(Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new NotSslRecordException("not an SSL/TLS record")), "127.0.0.1:2113");
		assertThat(diagnostics.lastFailure(null)).get()
			.extracting(ConnectionFailure::kind)
			.isEqualTo(ConnectionFailure.Kind.TLS);
		// The client closing its own channel says nothing about the server.
		diagnostics.observe(Status.UNAVAILABLE.withDescription("Channel shutdownNow invoked"), "127.0.0.1:2113");
		assertThat(diagnostics.lastFailure(null)).isPresent();
		diagnostics.observe(Status.OK, "127.0.0.1:2113");
		assertThat(diagnostics.lastFailure(null)).isEmpty();
	}

}
