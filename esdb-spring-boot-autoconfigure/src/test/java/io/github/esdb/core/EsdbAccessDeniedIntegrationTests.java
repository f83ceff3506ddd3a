package io.github.esdb.core;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.event.CurrentEvent;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.PermissionDeniedDataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A user the stream's ACL (or the node's rules) refuses gets {@link EsdbAccessDeniedException}, a
 * {@link PermissionDeniedDataAccessException} naming the operation and the stream but never the credentials, from
 * every template operation: in a real context against a secure embedded server over TCP.
 */
class EsdbAccessDeniedIntegrationTests {

	private static final String PASSWORD = "app-Passw0rd";

	@Test
	void everyTemplateOperationRefusedByTheAclIsAnAccessDeniedException() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().user("app", PASSWORD).build().start()) {
			String stream = "locked-" + java.util.UUID.randomUUID();
			KurrentDBClient admin = KurrentDBClient
				.create(KurrentDBConnectionString.parseOrThrow(server.connectionString("admin", "changeit")));
			try {
				admin.appendToStream("$$" + stream, EventData.builderAsJson("$metadata",
						("{\"$acl\":{\"$r\":\"$admins\",\"$w\":\"$admins\",\"$d\":\"$admins\",\"$mr\":\"$admins\","
								+ "\"$mw\":\"$admins\"}}").getBytes(StandardCharsets.UTF_8))
					.build()).get(30, TimeUnit.SECONDS);
			}
			finally {
				admin.shutdown().get(30, TimeUnit.SECONDS);
			}
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
						EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
				.withPropertyValues("esdb.connection-string=" + server.connectionString(), "esdb.username=app",
						"esdb.password=" + PASSWORD)
				.withBean(CurrentEvent.class, CurrentEvent::new)
				.run((context) -> {
					EsdbTemplate template = context.getBean(EsdbTemplate.class);
					assertDenied(() -> template.append(stream, new OrderPlaced("o-1", "c-1")),
							"append to stream '" + stream + "'");
					assertDenied(() -> template.readStream(stream, OrderPlaced.class),
							"read of stream '" + stream + "'");
					assertDenied(() -> template.deleteStream(stream, StreamState.any()),
							"delete of stream '" + stream + "'");
					assertDenied(() -> template.getStreamMetadata(stream),
							"read of metadata of stream '" + stream + "'");
					assertDenied(() -> template.setStreamMetadata(stream, EsdbStreamMetadata.empty().withMaxCount(5)),
							"write of metadata of stream '" + stream + "'");
					// $all is for $admins on a secure node.
					assertDenied(() -> template.readAll(AllReadOptions.forwards(), OrderPlaced.class), "read of $all");
					// What the ACL does not restrict stays allowed.
					assertThat(template.append("open-" + stream, new OrderPlaced("o-2", "c-2"))).isNotNull();
				});
		}
	}

	private static void assertDenied(Executable call, String operation) {
		assertThatThrownBy(call::execute).isInstanceOf(EsdbAccessDeniedException.class)
			.isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageStartingWith("Access denied for the " + operation + ":")
			.hasMessageContaining("$acl")
			.hasMessageNotContaining(PASSWORD)
			.satisfies((ex) -> assertThat(((EsdbAccessDeniedException) ex).getOperation()).isEqualTo(operation));
	}

}
