package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batch handlers of persistent subscriptions against the embedded server over TCP: a batch is acked in one message
 * after the handler returned, a batch whose handler never returned is delivered again, and a failed index acks the
 * events before it, nacks the failed one as its cause says and hands the rest over again.
 */
class PersistentBatchSubscriptionIntegrationTests {

	private static final String GROUP = "batch-workers";

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private static PersistentSubscriptionToStreamInfo info(String stream) {
		return esdb.existingGroup(stream, GROUP);
	}

	private ApplicationContextRunner runner(String stream) {
		return esdb.runner()
			.withUserConfiguration(BatchWorker.class)
			.withPropertyValues("test.stream=" + stream);
	}

	@Test
	void eachBatchIsAckedAfterItsHandlerReturned() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3),
				new OrderPlaced("d", 4), new OrderPlaced("e", 5), new OrderPlaced("f", 6));
		runner(stream).run((context) -> {
			BatchWorker worker = context.getBean(BatchWorker.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> worker.handled.size() == 6);
			assertThat(worker.batches).allSatisfy((batch) -> assertThat(batch).hasSizeLessThanOrEqualTo(3));
			assertThat(worker.batches.stream().flatMap(List::stream).toList()).containsExactly("a", "b", "c", "d",
					"e", "f");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> esdb.groupShows(stream, GROUP, (group) -> group.getStats().getTotalInFlightMessages() == 0));
			SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot("batch-worker").get();
			assertThat(snapshot.handled()).isEqualTo(6);
			assertThat(snapshot.position()).isEqualTo(Checkpoint.ofRevision(5));
		});
		// Everything was acked: a new consumer of the group gets nothing again.
		esdb.append(stream, new OrderPlaced("g", 7));
		runner(stream).run((context) -> {
			BatchWorker worker = context.getBean(BatchWorker.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> worker.handled.size() == 1);
			assertThat(worker.handled).containsExactly("g");
		});
	}

	@Test
	void aBatchWhoseHandlerNeverReturnedIsDeliveredAgain() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		runner(stream).run((context) -> {
			BatchWorker worker = context.getBean(BatchWorker.class);
			worker.crash.set(true);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> context.getBean(SubscriptionRegistry.class).snapshot("batch-worker").get()
					.state() == SubscriptionState.FAILED);
			assertThat(worker.batches).containsExactly(List.of("a", "b", "c"));
		});
		// The crashed consumer is gone without an ack; its batch comes back to the next one (an acked one would not).
		runner(stream).run((context) -> {
			BatchWorker worker = context.getBean(BatchWorker.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> worker.handled.size() == 3);
			assertThat(worker.handled).containsExactlyInAnyOrder("a", "b", "c");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> esdb.groupShows(stream, GROUP, (group) -> group.getStats().getTotalInFlightMessages() == 0));
		});
	}

	@Test
	void aFailedIndexAcksTheEventsBeforeItParksTheFailedOneAndHandsTheRestOverAgain() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("park", 2), new OrderPlaced("c", 3));
		runner(stream).run((context) -> {
			BatchWorker worker = context.getBean(BatchWorker.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> esdb.groupShows(stream, GROUP, (group) -> group.getStats().getParkedMessageCount() == 1));
			await().atMost(Duration.ofSeconds(20)).until(() -> worker.handled.size() == 2);
			assertThat(worker.batches).containsExactly(List.of("a", "park", "c"), List.of("c"));
			assertThat(worker.handled).containsExactly("a", "c");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> esdb.groupShows(stream, GROUP, (group) -> group.getStats().getTotalInFlightMessages() == 0));
			SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot("batch-worker").get();
			assertThat(snapshot.nacked()).isEqualTo(1);
			assertThat(snapshot.handled()).isEqualTo(2);
		});
	}

	static class BatchWorker {

		final List<List<String>> batches = new CopyOnWriteArrayList<>();

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicBoolean crash = new AtomicBoolean();

		@EventSubscription(id = "batch-worker", stream = "${test.stream}", group = "batch-workers", from = "start",
				messageTimeout = "3s", batchSize = "3", batchMaxWait = "300ms")
		void on(List<OrderPlaced> orders) {
			List<String> ids = orders.stream().map(OrderPlaced::orderId).toList();
			this.batches.add(ids);
			if (this.crash.get()) {
				// As if the process died in the middle of the batch: no ack, no nack.
				throw new AssertionError("crashed in the middle of a batch");
			}
			for (int i = 0; i < orders.size(); i++) {
				if (orders.get(i).orderId().equals("park")) {
					this.handled.addAll(ids.subList(0, i));
					throw new BatchHandlerFailedException(orders, orders.get(i), NackException.park("cannot do it"));
				}
			}
			this.handled.addAll(ids);
		}

	}

}
