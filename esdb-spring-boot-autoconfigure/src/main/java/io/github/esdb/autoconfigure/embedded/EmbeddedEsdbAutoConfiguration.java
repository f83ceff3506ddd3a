package io.github.esdb.autoconfigure.embedded;

import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.embedded.ProjectionsMode;
import io.github.esdb.embedded.store.FsyncPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Starts the embedded server when it is on the classpath and no connection is configured, and points the client at
 * it. Like an embedded database, its data lives only as long as the application, unless esdb.embedded.data-dir keeps
 * it on disk (H2's file mode).
 */
@AutoConfiguration(before = EsdbAutoConfiguration.class)
@ConditionalOnClass(EmbeddedEsdbServer.class)
@ConditionalOnBooleanProperty(name = "esdb.embedded.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(EsdbConnectionDetails.class)
@Conditional(OnNoConnectionConfiguredCondition.class)
@EnableConfigurationProperties(EmbeddedEsdbProperties.class)
public class EmbeddedEsdbAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedEsdbAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EmbeddedEsdbServer embeddedEsdbServer(EmbeddedEsdbProperties properties) {
		EmbeddedEsdbServer server = build(properties);
		try {
			return started(server, properties);
		}
		catch (RuntimeException ex) {
			// A durable server holds its data directory's lock from build on: release it.
			server.close();
			throw ex;
		}
	}

	private static EmbeddedEsdbServer started(EmbeddedEsdbServer server, EmbeddedEsdbProperties properties) {
		try {
			server.start();
		}
		catch (UncheckedIOException ex) {
			throw new InvalidEsdbConfigurationException("esdb.embedded.port",
					"the embedded server cannot listen on " + properties.getHost() + ":" + properties.getPort()
							+ " (" + ex.getCause().getMessage() + "); is another server using the port?",
					"Free the port, or pick another one, for example esdb.embedded.port=0 (any free port)");
		}
		boolean durable = server.dataDir() != null;
		String where = durable ? "its data is kept in " + server.dataDir().toAbsolutePath() + " (esdb.embedded.data-dir)"
				: "its data lives in memory only and is lost when the application stops";
		logger.warn("Started the embedded {} KurrentDB server on {} because no connection is configured: {}. It is "
				+ "meant for development and tests. To use a real KurrentDB node set esdb.connection-string (for "
				+ "example kurrentdb://localhost:2113?tls=false); to never start the embedded server set "
				+ "esdb.embedded.enabled=false, or keep esdb-embedded-server off the production classpath (test "
				+ "scope, or a development profile).", durable ? "durable" : "in-memory", server.connectionString(),
				where);
		return server;
	}

	private static EmbeddedEsdbServer build(EmbeddedEsdbProperties properties) {
		EmbeddedEsdbServer.Builder builder = EmbeddedEsdbServer.builder()
			.host(properties.getHost())
			.port(properties.getPort());
		for (String user : properties.getUsers()) {
			if (user.indexOf(':') <= 0 || user.endsWith(":")) {
				throw new InvalidEsdbConfigurationException("esdb.embedded.users",
						"an entry is not of the form name:password", "esdb.embedded.users=admin:changeit");
			}
			builder.user(user);
		}
		try {
			builder.projections(ProjectionsMode.parse(properties.getProjections()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEsdbConfigurationException("esdb.embedded.projections",
					"'" + properties.getProjections() + "' is not a projections mode (system or none)",
					"esdb.embedded.projections=system (the system projections, the default) or "
							+ "esdb.embedded.projections=none");
		}
		EmbeddedEsdbProperties.Tls tls = properties.getTls();
		if ((tls.getCertificate() == null) != (tls.getPrivateKey() == null)) {
			throw new InvalidEsdbConfigurationException(
					(tls.getCertificate() == null) ? "esdb.embedded.tls.certificate" : "esdb.embedded.tls.private-key",
					"TLS needs both a certificate and a private key",
					"esdb.embedded.tls.certificate=/path/server.crt and esdb.embedded.tls.private-key=/path/server.key");
		}
		if (tls.getCertificate() != null) {
			builder.tls(Path.of(tls.getCertificate()), Path.of(tls.getPrivateKey()));
		}
		if (properties.getDataDir() != null && !properties.getDataDir().isBlank()) {
			builder.dataDir(Path.of(properties.getDataDir()));
			try {
				builder.fsync(FsyncPolicy.parse(properties.getFsync()));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEsdbConfigurationException("esdb.embedded.fsync",
						"'" + properties.getFsync() + "' is not an fsync policy (always, interval or never)",
						"esdb.embedded.fsync=interval (force the log to the disk once a second, the default) or "
								+ "esdb.embedded.fsync=always (after every write)");
			}
		}
		try {
			return builder.build();
		}
		catch (IllegalStateException | UncheckedIOException ex) {
			throw new InvalidEsdbConfigurationException("esdb.embedded.data-dir", ex.getMessage(),
					"Stop the other application using it, or point this one at its own directory, for example "
							+ "esdb.embedded.data-dir=./target/esdb-data");
		}
	}

	@Bean
	EmbeddedEsdbConnectionDetails embeddedEsdbConnectionDetails(EmbeddedEsdbServer server,
			EmbeddedEsdbProperties properties) {
		return new EmbeddedEsdbConnectionDetails(server, properties);
	}

}
