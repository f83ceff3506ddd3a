package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.cause;
import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.RecordSizeExceededException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.TransactionMaxSizeExceededException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** v2 AppendSession size limits surface as the client's own exception types. */
class MultiAppendLimitsTest {

	@RegisterExtension
	static final TestServer server = new TestServer((builder) -> builder.maxAppendSize(4096).maxEventSize(1024));

	@Test
	void recordTooLarge() {
		String stream = uniqueStream("big");
		EventData big = EventData.builderAsBinary("Big", new byte[2000]).build();
		assertThatThrownBy(() -> server.client()
			.multiStreamAppend(List.of(new AppendStreamRequest(stream, List.of(big).iterator(), StreamState.any())).iterator())
			.get()).satisfies((t) -> {
				RecordSizeExceededException ex = (RecordSizeExceededException) cause(t);
				assertThat(ex.getStream()).isEqualTo(stream);
				assertThat(ex.getRecordId()).isEqualTo(big.getEventId().toString());
				assertThat(ex.getMaxSize()).isEqualTo(1024);
			});
	}

	@Test
	void sessionTooLarge() {
		List<AppendStreamRequest> requests = List.of(
				new AppendStreamRequest(uniqueStream("a"),
						List.of(EventData.builderAsBinary("A", new byte[1000]).build(),
								EventData.builderAsBinary("A", new byte[1000]).build())
							.iterator(),
						StreamState.any()),
				new AppendStreamRequest(uniqueStream("b"),
						List.of(EventData.builderAsBinary("B", new byte[1000]).build(),
								EventData.builderAsBinary("B", new byte[1000]).build(), json("B", "{}"))
							.iterator(),
						StreamState.any()));
		long before = server.store().lastPosition();
		assertThatThrownBy(() -> server.client().multiStreamAppend(requests.iterator()).get())
			.satisfies((t) -> assertThat(cause(t)).isInstanceOf(TransactionMaxSizeExceededException.class));
		assertThat(server.store().lastPosition()).isEqualTo(before);
	}

}
