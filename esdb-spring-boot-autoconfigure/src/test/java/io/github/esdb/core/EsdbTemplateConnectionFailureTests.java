package io.github.esdb.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.core.TestEvents.ItemAdded;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.ConnectionShutdownException;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;

/**
 * Failures of the connection, not of the data: a server that goes away and a call that outlives its deadline. Each
 * test owns its server, since it stops it or loads it.
 */
class EsdbTemplateConnectionFailureTests {

	private static ApplicationContextRunner runner(EmbeddedEsdbServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + server.connectionString());
	}

	@Test
	void aStoppedServerIsAResourceFailure() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			// Give up quickly once the server is gone, to keep the test short. A refused connection fails at once, so
			// the gossip timeout stays at its default and a slow first handshake on a busy machine still succeeds.
			runner(server).withPropertyValues("esdb.max-discover-attempts=1", "esdb.discovery-interval=100ms")
				.run((context) -> {
					EsdbTemplate template = context.getBean(EsdbTemplate.class);
					String order = "order-" + UUID.randomUUID();
					template.append(order, new OrderPlaced("o", "c"));
					server.stop();
					// Whether the call meets the dead channel or a client that already gave up depends on which comes
					// first; each has its own translation, and neither may come out uncategorized.
					Throwable first = catchThrowable(() -> template.append(order, new OrderPlaced("o", "again")));
					assertThat(first).satisfiesAnyOf((ex) -> {
						assertThat(ex).isInstanceOf(TransientDataAccessResourceException.class)
							.hasCauseInstanceOf(StatusRuntimeException.class);
						assertThat(Status.fromThrowable(ex.getCause()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
					}, (ex) -> assertThat(ex).isInstanceOf(DataAccessResourceFailureException.class)
						.hasCauseInstanceOf(ConnectionShutdownException.class));
					// Once the client has used up its discovery attempts it stays shut down: a non-transient failure.
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThatThrownBy(() -> template.readStream(order, Object.class))
							.isInstanceOf(DataAccessResourceFailureException.class)
							.hasMessageContaining("shut down")
							.hasCauseInstanceOf(ConnectionShutdownException.class));
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
