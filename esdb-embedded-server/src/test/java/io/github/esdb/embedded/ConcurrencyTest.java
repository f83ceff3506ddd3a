package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import org.junit.jupiter.api.Test;

/**
 * Several writers and subscribers at once: every subscriber, whether it started before, during or after the
 * writes, sees every event exactly once and in $all order.
 */
class ConcurrencyTest {

	private static final int WRITERS = 4;

	private static final int EVENTS_PER_WRITER = 300;

	@Test
	void everySubscriberSeesEveryEventOnceInAllOrder() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			KurrentDBClient client = TestSupport.client(server.connectionString());
			ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
			List<Subscription> subscriptions = new ArrayList<>();
			try {
				SubscriptionFilter onlyWriters = SubscriptionFilter.newBuilder().addStreamNamePrefix("writer-").build();
				List<TestSupport.Recorder> recorders = new ArrayList<>();
				TestSupport.Recorder early = new TestSupport.Recorder();
				recorders.add(early);
				subscriptions.add(client.subscribeToAll(early, SubscribeToAllOptions.get().fromStart()).get());

				TestSupport.Recorder oneStream = new TestSupport.Recorder();
				subscriptions.add(client.subscribeToStream("writer-1-2", oneStream).get());

				List<Future<?>> writes = new ArrayList<>();
				for (int w = 0; w < WRITERS; w++) {
					int writer = w;
					writes.add(writers.submit(() -> {
						for (int i = 0; i < EVENTS_PER_WRITER; i++) {
							client.appendToStream("writer-" + writer + "-" + (i % 3), json("E", writer + ":" + i)).join();
						}
					}));
				}
				for (int i = 0; i < 3; i++) {
					Thread.sleep(30);
					TestSupport.Recorder during = new TestSupport.Recorder();
					recorders.add(during);
					subscriptions.add(client
						.subscribeToAll(during, SubscribeToAllOptions.get().fromStart().filter(onlyWriters))
						.get());
				}
				for (Future<?> write : writes) {
					write.get();
				}
				TestSupport.Recorder late = new TestSupport.Recorder();
				recorders.add(late);
				subscriptions.add(client.subscribeToAll(late, SubscribeToAllOptions.get().fromStart()).get());

				int total = WRITERS * EVENTS_PER_WRITER;
				List<String> expected = client.readAll(ReadAllOptions.get().fromStart())
					.get()
					.getEvents()
					.stream()
					.filter((e) -> e.getEvent().getStreamId().startsWith("writer-"))
					.map(TestSupport::body)
					.toList();
				assertThat(expected).hasSize(total).doesNotHaveDuplicates();
				List<String> expectedInStream = client.readStream("writer-1-2", io.kurrent.dbclient.ReadStreamOptions.get())
					.get()
					.getEvents()
					.stream()
					.map(TestSupport::body)
					.toList();
				assertThat(expectedInStream).hasSize(EVENTS_PER_WRITER / 3);
				await().atMost(TestSupport.WAIT).until(() -> oneStream.events.size() >= expectedInStream.size());
				assertThat(oneStream.bodies()).containsExactlyElementsOf(expectedInStream);
				for (TestSupport.Recorder recorder : recorders) {
					await().atMost(TestSupport.WAIT).until(() -> ours(recorder).size() >= total);
					assertThat(ours(recorder).stream().map(TestSupport::body).toList()).containsExactlyElementsOf(expected);
					long previous = 0;
					for (ResolvedEvent event : recorder.events) {
						long position = event.getOriginalEvent().getPosition().getCommitUnsigned();
						assertThat(position).isGreaterThan(previous);
						previous = position;
					}
				}
			}
			finally {
				subscriptions.forEach(Subscription::stop);
				writers.shutdownNow();
				client.shutdown().join();
			}
		}
	}

	private static List<ResolvedEvent> ours(TestSupport.Recorder recorder) {
		return recorder.events.stream().filter((e) -> e.getEvent().getStreamId().startsWith("writer-")).toList();
	}

}
