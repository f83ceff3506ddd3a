package io.github.esdb.boot.test;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.autoconfigure.embedded.EmbeddedEsdbAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Imported by {@link AutoConfigureEmbeddedEsdb}: a fresh embedded server on a free port for this application
 * context, and the {@link EsdbConnectionDetails} that point the client at it, ahead of any other connection.
 */
@AutoConfiguration(before = { EmbeddedEsdbAutoConfiguration.class, EsdbAutoConfiguration.class })
@ConditionalOnClass(EmbeddedEsdbServer.class)
public class EmbeddedEsdbTestAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedEsdbTestAutoConfiguration.class);

	/**
	 * The server of this application context, stopped with it.
	 * @return the started server
	 */
	@Bean(destroyMethod = "close")
	public EmbeddedEsdbServer embeddedEsdbServer() {
		EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().port(0).build().start();
		logger.info("Started a fresh embedded KurrentDB server for this test context on {}",
				server.connectionString());
		return server;
	}

	/**
	 * Where the client connects: the server above, whatever else is configured.
	 * @param embeddedEsdbServer the server
	 * @return the connection details
	 */
	@Bean
	@Primary
	public EsdbConnectionDetails embeddedEsdbTestConnectionDetails(EmbeddedEsdbServer embeddedEsdbServer) {
		return new EmbeddedEsdbTestConnectionDetails(embeddedEsdbServer);
	}

	/** The embedded server's address, without credentials (it runs insecure). */
	static final class EmbeddedEsdbTestConnectionDetails implements EsdbConnectionDetails {

		private final EmbeddedEsdbServer server;

		EmbeddedEsdbTestConnectionDetails(EmbeddedEsdbServer server) {
			this.server = server;
		}

		@Override
		public String getConnectionString() {
			return this.server.connectionString();
		}

		@Override
		public boolean isEmbedded() {
			return true;
		}

		@Override
		public String toString() {
			return "EmbeddedEsdbTestConnectionDetails[" + getConnectionString() + "]";
		}

	}

}
