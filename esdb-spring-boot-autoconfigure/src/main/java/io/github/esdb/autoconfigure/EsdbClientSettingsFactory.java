package io.github.esdb.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.github.esdb.connection.ConnectionDiagnostics;
import io.kurrent.dbclient.ConnectionSettingsBuilder;
import io.kurrent.dbclient.Endpoint;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;

/**
 * Builds {@link KurrentDBClientSettings} from {@link EsdbConnectionDetails}, the tuning properties, a
 * {@link ConnectionDiagnostics} interceptor and the {@link EsdbClientSettingsCustomizer customizers}, in that order.
 */
public class EsdbClientSettingsFactory {

	private static final Pattern TLS_CA_FILE = Pattern.compile("[?&]tlsCaFile=([^&]*)", Pattern.CASE_INSENSITIVE);

	private final EsdbProperties properties;

	public EsdbClientSettingsFactory(EsdbProperties properties) {
		this.properties = properties;
	}

	/**
	 * Build the settings.
	 * @param connectionDetails where to connect
	 * @param customizers the customizers, already in order
	 * @return the settings
	 * @throws InvalidEsdbConfigurationException if the configuration is wrong
	 */
	public KurrentDBClientSettings create(EsdbConnectionDetails connectionDetails,
			List<EsdbClientSettingsCustomizer> customizers) {
		String connectionString = connectionDetails.getConnectionString();
		KurrentDBClientSettings parsed = parse(connectionString, connectionDetails);
		checkCaFile(parsed.getTlsCaFile(), connectionString);
		ConnectionSettingsBuilder builder = copyOf(parsed);
		applyCredentials(builder, connectionDetails);
		applyTuning(builder);
		// Remembers why the connection failed, which the client's ConnectionShutdownException does not say, so that
		// health can name a TLS mismatch.
		builder.addInterceptor(new ConnectionDiagnostics());
		customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.buildConnectionSettings();
	}

	private KurrentDBClientSettings parse(String connectionString, EsdbConnectionDetails connectionDetails) {
		String property = (connectionDetails instanceof PropertiesEsdbConnectionDetails
				&& this.properties.getConnectionString() == null) ? "esdb.hosts" : "esdb.connection-string";
		if (connectionString == null || connectionString.isBlank()) {
			throw new InvalidEsdbConfigurationException(property, "no connection string was given",
					"Set " + PropertiesEsdbConnectionDetails.EXAMPLE);
		}
		if (ConnectionStrings.needsPercentEncoding(connectionString)) {
			// Checked before the client sees the string: it would misread it, and might log part of the password.
			throw unreadableCredentials(property, connectionString);
		}
		try {
			return KurrentDBConnectionString.parseOrThrow(connectionString);
		}
		catch (RuntimeException ex) {
			String reason = reasonWithoutCredentials(connectionString, ex);
			if (reason == null) {
				throw unreadableCredentials(property, connectionString);
			}
			throw new InvalidEsdbConfigurationException(property,
					"'" + ConnectionStrings.redact(connectionString) + "' cannot be parsed: " + reason,
					"Use the official client's format, for example " + PropertiesEsdbConnectionDetails.EXAMPLE
							+ " (schemes: kurrentdb, kdb or esdb, each optionally with +discover).");
		}
	}

	/**
	 * Why a connection string cannot be parsed, in words that cannot hold its credentials. The client's parser throws
	 * bare RuntimeExceptions whose messages echo parts of its input, the password included, so its failure is neither
	 * shown nor chained; the reason comes from parsing the string without its credentials instead, and can only quote
	 * what the redacted string shows anyway.
	 * @param connectionString the connection string
	 * @param failure the client's failure to parse it
	 * @return the reason, or {@code null} when the string parses without its credentials: they are what is wrong
	 */
	private static String reasonWithoutCredentials(String connectionString, RuntimeException failure) {
		String withoutCredentials = ConnectionStrings.withoutCredentials(connectionString);
		if (withoutCredentials == null) {
			return null;
		}
		if (withoutCredentials.equals(connectionString)) {
			return describe(failure);
		}
		try {
			KurrentDBConnectionString.parseOrThrow(withoutCredentials);
			return null;
		}
		catch (RuntimeException ex) {
			return describe(ex);
		}
	}

	private static InvalidEsdbConfigurationException unreadableCredentials(String property, String connectionString) {
		return new InvalidEsdbConfigurationException(property, "'" + ConnectionStrings.redact(connectionString)
				+ "' cannot be parsed: its user name or password holds characters that must be percent-encoded",
				"Percent-encode them in the connection string (@ as %40, / as %2F, ? as %3F, # as %23, % as %25, "
						+ "+ as %2B), or leave the credentials out of it and set esdb.username and esdb.password.");
	}

	private static String describe(Throwable ex) {
		Throwable cause = ex;
		while (cause.getMessage() == null && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
	}

	private void checkCaFile(String tlsCaFile, String connectionString) {
		if (tlsCaFile == null) {
			return;
		}
		Path path = Path.of(tlsCaFile);
		String problem = null;
		if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
			problem = Files.exists(path) ? "cannot be read" : "does not exist";
		}
		else if (!containsCertificate(path)) {
			problem = "holds no PEM certificate";
		}
		if (problem != null) {
			boolean fromProperty = this.properties.getTlsCaFile() != null
					|| !TLS_CA_FILE.matcher(connectionString).find();
			throw new InvalidEsdbConfigurationException(
					fromProperty ? "esdb.tls-ca-file" : "esdb.connection-string (tlsCaFile)",
					"the CA file '" + path.toAbsolutePath() + "' " + problem,
					fromProperty ? "Point it at a readable PEM file, for example esdb.tls-ca-file=/etc/kurrentdb/ca.crt"
							: "Point tlsCaFile at a readable PEM file, for example "
									+ "esdb.connection-string=kurrentdb://localhost:2113?tls=true&tlsCaFile=/etc/kurrentdb/ca.crt");
		}
	}

	private static boolean containsCertificate(Path path) {
		try (InputStream in = Files.newInputStream(path)) {
			return !CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty();
		}
		catch (IOException | CertificateException ex) {
			return false;
		}
	}

	private static ConnectionSettingsBuilder copyOf(KurrentDBClientSettings parsed) {
		ConnectionSettingsBuilder builder = KurrentDBClientSettings.builder()
			.dnsDiscover(parsed.isDnsDiscover())
			.maxDiscoverAttempts(parsed.getMaxDiscoverAttempts())
			.discoveryInterval(parsed.getDiscoveryInterval())
			.gossipTimeout(parsed.getGossipTimeout())
			.nodePreference(parsed.getNodePreference())
			.tls(parsed.isTls())
			.tlsVerifyCert(parsed.isTlsVerifyCert())
			.keepAliveInterval(parsed.getKeepAliveInterval())
			.keepAliveTimeout(parsed.getKeepAliveTimeout());
		for (Endpoint host : parsed.getHosts()) {
			builder.addHost(host.getHost(), host.getPort());
		}
		if (parsed.getDefaultCredentials() != null) {
			builder.defaultCredentials(parsed.getDefaultCredentials());
		}
		if (parsed.getDefaultClientCertificate() != null) {
			builder.defaultClientCertificate(parsed.getDefaultClientCertificate());
		}
		if (parsed.getDefaultDeadline() != null) {
			builder.defaultDeadline(parsed.getDefaultDeadline());
		}
		if (parsed.getTlsCaFile() != null) {
			builder.tlsCaFile(parsed.getTlsCaFile());
		}
		parsed.getInterceptors().forEach(builder::addInterceptor);
		parsed.getFeatures().forEach(builder::feature);
		return builder;
	}

	private void applyCredentials(ConnectionSettingsBuilder builder, EsdbConnectionDetails connectionDetails) {
		String username = connectionDetails.getUsername();
		String password = connectionDetails.getPassword();
		if (username == null && password == null) {
			return;
		}
		if (username == null || password == null) {
			String missing = (username == null) ? "esdb.username" : "esdb.password";
			throw new InvalidEsdbConfigurationException(missing,
					missing + " is not set but its counterpart is; basic authentication needs both",
					"Set both, for example esdb.username=admin and esdb.password=${KURRENTDB_PASSWORD}");
		}
		builder.defaultCredentials(username, password);
	}

	private void applyTuning(ConnectionSettingsBuilder builder) {
		applyMillis(this.properties.getKeepAliveInterval(), "esdb.keep-alive-interval", builder::keepAliveInterval);
		applyMillis(this.properties.getKeepAliveTimeout(), "esdb.keep-alive-timeout", builder::keepAliveTimeout);
		applyMillis(this.properties.getDefaultDeadline(), "esdb.default-deadline", builder::defaultDeadline);
		applyMillis(this.properties.getDiscoveryInterval(), "esdb.discovery-interval",
				(millis) -> builder.discoveryInterval(Math.toIntExact(millis)));
		applyMillis(this.properties.getGossipTimeout(), "esdb.gossip-timeout",
				(millis) -> builder.gossipTimeout(Math.toIntExact(millis)));
		Integer attempts = this.properties.getMaxDiscoverAttempts();
		if (attempts != null) {
			if (attempts < 1) {
				throw new InvalidEsdbConfigurationException("esdb.max-discover-attempts",
						"must be at least 1 but was " + attempts, "esdb.max-discover-attempts=10");
			}
			builder.maxDiscoverAttempts(attempts);
		}
	}

	private static void applyMillis(Duration value, String property, Consumer<Long> setter) {
		if (value == null) {
			return;
		}
		if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
			throw new InvalidEsdbConfigurationException(property, "must be a positive duration but was " + value,
					property + "=10s");
		}
		setter.accept(value.toMillis());
	}

}
