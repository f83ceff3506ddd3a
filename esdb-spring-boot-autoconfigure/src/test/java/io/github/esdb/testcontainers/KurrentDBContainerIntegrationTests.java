package io.github.esdb.testcontainers;

import java.util.UUID;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.autoconfigure.health.EsdbHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthIndicator;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter against a real KurrentDB node in a container. Needs a Docker engine; where there is none (as on the
 * machines this project is built on) JUnit reports the class as skipped with "Docker is not available".
 * Run it elsewhere with {@code ./mvnw -pl esdb-spring-boot-autoconfigure -am verify -Dtest=KurrentDBContainerIntegrationTests -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = KurrentDBContainerIntegrationTests.Config.class)
class KurrentDBContainerIntegrationTests {

	@Container
	@ServiceConnection
	static final KurrentDBContainer kurrentdb = new KurrentDBContainer();

	@Autowired
	private EsdbConnectionDetails connectionDetails;

	@Autowired
	private KurrentDBClient client;

	@Autowired
	private EsdbHealthIndicator health;

	@Test
	void connectsThroughTheServiceConnection() throws Exception {
		assertThat(this.connectionDetails.getConnectionString()).isEqualTo(kurrentdb.getConnectionString());
		String stream = "container-" + UUID.randomUUID();
		this.client.appendToStream(stream, EventData.builderAsJson("Pinged", "{\"n\":1}".getBytes()).build()).get();
		assertThat(this.client.readStream(stream, ReadStreamOptions.get()).get().getEvents()).hasSize(1);
		assertThat(this.health.health(true).getStatus()).isEqualTo(Status.UP);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ EsdbAutoConfiguration.class, EsdbHealthContributorAutoConfiguration.class })
	static class Config {

	}

}
