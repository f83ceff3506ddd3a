package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.cause;
import static io.github.esdb.embedded.TestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests at the edges, answered as the real node answers them: writes to a stream named {@code $all}.
 */
class EdgeCaseRequestsTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	@RegisterExtension
	static final TestServer secure = new TestServer((builder) -> builder.user("admin", "changeit"));

	private static final long SECONDS = TestSupport.WAIT.toSeconds();

	// ------------------------------------------------------------------ $all

	@Test
	void writesAndDeletesOfAllAreDeniedOnASecureNodeEvenForTheAdmin() throws Exception {
		KurrentDBClient admin = TestSupport.client(secure.embedded().connectionString("admin", "changeit"));
		try {
			assertAccessDenied(admin.appendToStream("$all", json("E", "{}")));
			assertAccessDenied(admin.deleteStream("$all"));
			assertAccessDenied(admin.tombstoneStream("$all"));
			assertThatThrownBy(() -> admin
				.multiStreamAppend(List.of(new AppendStreamRequest("$all", List.of(json("E", "{}")).iterator(),
						StreamState.any())).iterator())
				.get(SECONDS, TimeUnit.SECONDS))
				.satisfies((t) -> assertThat(((StatusRuntimeException) cause(t)).getStatus().getCode())
					.isEqualTo(Status.Code.PERMISSION_DENIED));
			assertThat(secure.store().streamInfo("$all").lastRevision()).isEqualTo(-1);
			// Every other stream is writable, system streams included.
			admin.appendToStream("$custom-system", json("E", "{}")).get(SECONDS, TimeUnit.SECONDS);
		}
		finally {
			admin.shutdown().join();
		}
	}

	@Test
	void anInsecureNodeChecksNoAccessSoAppendingToAllWritesAStreamNamedAll() throws Exception {
		server.client().appendToStream("$all", json("E", "{\"n\":1}")).get(SECONDS, TimeUnit.SECONDS);
		List<ResolvedEvent> events = server.client()
			.readStream("$all", ReadStreamOptions.get())
			.get(SECONDS, TimeUnit.SECONDS)
			.getEvents();
		assertThat(events).extracting((e) -> e.getEvent().getStreamId()).containsExactly("$all");
		assertThat(server.client().readAll(ReadAllOptions.get()).get(SECONDS, TimeUnit.SECONDS).getEvents())
			.extracting((e) -> e.getEvent().getStreamId())
			.contains("$all");
	}

	private static void assertAccessDenied(CompletableFuture<?> call) {
		assertThatThrownBy(() -> call.get(SECONDS, TimeUnit.SECONDS)).satisfies((t) -> {
			assertThat(cause(t)).isInstanceOf(StatusRuntimeException.class);
			StatusRuntimeException ex = (StatusRuntimeException) cause(t);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(ex.getTrailers().get(StreamsReadWriteTest.key("exception"))).isEqualTo("access-denied");
		});
	}

}
