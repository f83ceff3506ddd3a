package io.github.esdb.boot.test;

import java.util.ArrayList;
import java.util.List;

import io.kurrent.dbclient.KurrentDBClientSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.autoconfigure.embedded.EmbeddedEsdbAutoConfiguration;
import io.github.esdb.embedded.EmbeddedEsdbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link AutoConfigureEmbeddedEsdb} imports: a server of its own per application context, stopped with it, and
 * connection details that win over any other.
 */
class EmbeddedEsdbTestAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EmbeddedEsdbTestAutoConfiguration.class,
				EmbeddedEsdbAutoConfiguration.class, EsdbAutoConfiguration.class));

	@Test
	void everyContextGetsAFreshServerThatStopsWithIt() {
		List<EmbeddedEsdbServer> servers = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			this.runner.run((context) -> {
				assertThat(context).hasSingleBean(EmbeddedEsdbServer.class);
				servers.add(context.getBean(EmbeddedEsdbServer.class));
			});
		}
		assertThat(servers.get(0)).isNotSameAs(servers.get(1));
		assertThat(servers.get(0).port()).isNotEqualTo(servers.get(1).port());
		assertThat(servers).noneMatch(EmbeddedEsdbServer::isRunning);
	}

	@Test
	void replacesTheConfiguredConnection() {
		this.runner
			.withPropertyValues("esdb.connection-string=kurrentdb://db.invalid:2113?tls=false")
			.withBean("otherConnection", EsdbConnectionDetails.class,
					() -> () -> "kurrentdb://elsewhere.invalid:2113?tls=false")
			.run((context) -> {
				EmbeddedEsdbServer server = context.getBean(EmbeddedEsdbServer.class);
				assertThat(context.getBean(KurrentDBClientSettings.class).getHosts()).singleElement()
					.satisfies((host) -> assertThat(host.getPort()).isEqualTo(server.port()));
				assertThat(context.getBean(EsdbConnectionDetails.class).isEmbedded()).isTrue();
			});
	}

}
