package io.github.esdb.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.core.TestEvents.ItemAdded;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.serialization.EsdbSerializationAutoConfiguration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Failures of the connection, not of the data: a server that goes away and a call that outlives its deadline. Each
 * test owns its server, since it stops it or loads it.
 */
class EsdbTemplateConnectionFailureTests {

	private static ApplicationContextRunner runner(EmbeddedEsdbServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + server.connectionString(),
					// Give up quickly once the server is gone, to keep the test short.
					"esdb.max-discover-attempts=1", "esdb.discovery-interval=100ms", "esdb.gossip-timeout=500ms");
	}

	@Test
	void aStoppedServerIsATransientResourceFailure() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			runner(server).run((context) -> {
				EsdbTemplate template = context.getBean(EsdbTemplate.class);
				String order = "order-" + UUID.randomUUID();
				template.append(order, new OrderPlaced("o", "c"));
				server.stop();
				assertThatThrownBy(() -> template.append(order, new OrderPlaced("o", "again")))
					.isInstanceOf(TransientDataAccessException.class)
					.satisfies((ex) -> assertThat(Status.fromThrowable(ex.getCause()).getCode())
						.isEqualTo(Status.Code.UNAVAILABLE))
					.hasCauseInstanceOf(StatusRuntimeException.class);
			});
		}
	}

	@Test
	void aCallPastTheDefaultDeadlineIsAQueryTimeout() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			runner(server).withPropertyValues("esdb.default-deadline=1ms").run((context) -> {
				EsdbTemplate template = context.getBean(EsdbTemplate.class);
				// Big enough (about 200 KB) that no machine sends, stores and acknowledges it within a millisecond.
				List<Object> items = new ArrayList<>();
				for (int i = 0; i < 2000; i++) {
					items.add(new ItemAdded("sku-" + i + "-" + "x".repeat(40), i, BigDecimal.TEN));
				}
				assertThatThrownBy(() -> template.append("order-" + UUID.randomUUID(), StreamState.any(), items))
					.isInstanceOf(QueryTimeoutException.class)
					.satisfies((ex) -> assertThat(Status.fromThrowable(ex.getCause()).getCode())
						.isEqualTo(Status.Code.DEADLINE_EXCEEDED));
			});
		}
	}

}
