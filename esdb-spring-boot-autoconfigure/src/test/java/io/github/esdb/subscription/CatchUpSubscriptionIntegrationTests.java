package io.github.esdb.subscription;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.WriteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.github.esdb.event.CurrentEvent;
import io.github.esdb.event.LogPosition;
import io.github.esdb.serialization.EventType;
import io.github.esdb.subscription.event.SubscriptionDroppedEvent;
import io.github.esdb.subscription.event.SubscriptionFailedEvent;
import io.github.esdb.subscription.event.SubscriptionStartedEvent;
import io.github.esdb.subscription.event.SubscriptionCaughtUpEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Catch-up subscriptions in a real application context against the embedded server over TCP.
 */
class CatchUpSubscriptionIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void catchesUpFromTheStartThenReceivesLiveEventsInOrder() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2));
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, OrderHandler.class)
			.withPropertyValues("test.stream=" + stream, "test.id=order-emails")
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 2);
				esdb.append(stream, new OrderPlaced("c", 3));
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 3);
				assertThat(recorder.received()).containsExactly(new OrderPlaced("a", 1), new OrderPlaced("b", 2),
						new OrderPlaced("c", 3));
				assertThat(recorder.contexts()).extracting(EventContext::revision).containsExactly(0L, 1L, 2L);
				EventContext first = recorder.contexts().get(0);
				assertThat(first.subscriptionId()).isEqualTo("order-emails");
				assertThat(first.stream()).isEqualTo(stream);
				assertThat(first.eventType()).isEqualTo("OrderPlaced");
				assertThat(first.retryCount()).isNull();
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(5))
					.until(() -> registry.snapshot("order-emails").get().state() == SubscriptionState.LIVE);
				SubscriptionSnapshot snapshot = registry.snapshot("order-emails").get();
				assertThat(snapshot.kind()).isEqualTo(SubscriptionKind.CATCH_UP);
				assertThat(snapshot.stream()).isEqualTo(stream);
				assertThat(snapshot.group()).isNull();
				assertThat(snapshot.handled()).isEqualTo(3);
				assertThat(snapshot.position()).isEqualTo(Checkpoint.ofRevision(2));
				SubscriptionEventsRecorder events = context.getBean(SubscriptionEventsRecorder.class);
				assertThat(events.of(SubscriptionStartedEvent.class)).hasSize(1);
				assertThat(events.of(SubscriptionCaughtUpEvent.class)).hasSize(1);
			});
	}

	@Test
	void handlersRunOnTheClientsThreadUnlessTheWorkerIsAskedFor() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		var runner = esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, ThreadRecordingHandler.class)
			.withPropertyValues("test.stream=" + stream);
		runner.withPropertyValues("test.id=" + stream + "-client").run((context) -> {
			ThreadRecordingHandler handler = context.getBean(ThreadRecordingHandler.class);
			await().atMost(EmbeddedServerSupport.wait(10)).until(() -> handler.threads.size() == 3);
			assertThat(handler.revisions).containsExactly(0L, 1L, 2L);
			assertThat(handler.threads).noneMatch((name) -> name.startsWith("esdb-subscription-"));
		});
		runner.withPropertyValues("test.id=" + stream + "-worker", "esdb.subscriptions.catch-up.handler-thread=worker")
			.run((context) -> {
				ThreadRecordingHandler handler = context.getBean(ThreadRecordingHandler.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> handler.threads.size() == 3);
				assertThat(handler.revisions).containsExactly(0L, 1L, 2L);
				assertThat(handler.threads).containsOnly("esdb-subscription-" + stream + "-worker");
			});
	}

	@Test
	void resumesAfterTheStoredCheckpointWhenTheApplicationRestarts() throws Exception {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		var runner = esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, OrderHandler.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream);
		runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 3);
		});
		// The graceful stop committed the last handled event.
		List<ResolvedEvent> checkpoints = esdb.read("$esdb-checkpoint-" + stream);
		assertThat(checkpoints).isNotEmpty();
		assertThat(new String(checkpoints.get(checkpoints.size() - 1).getEvent().getEventData()))
			.isEqualTo("{\"revision\":2}");
		StreamMetadata metadata = esdb.client.getStreamMetadata("$esdb-checkpoint-" + stream).get(5, TimeUnit.SECONDS);
		assertThat(metadata.getMaxCount()).isEqualTo(5L);
		esdb.append(stream, new OrderPlaced("d", 4), new OrderPlaced("e", 5));
		runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() >= 2);
			Thread.sleep(300);
			assertThat(recorder.received()).containsExactly(new OrderPlaced("d", 4), new OrderPlaced("e", 5));
		});
	}

	@Test
	void dispatchesByEventTypeToTheProjectionsHandlersAndSkipsOtherTypes() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), EventData.builderAsJson("OrderRefunded", "{}".getBytes()).build(),
				new OrderShipped("a"));
		esdb.runner()
			.withUserConfiguration(ProjectionConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> Checkpoint.ofRevision(2).equals(registry.snapshot("orderProjection").get().position()));
				assertThat(recorder.received()).containsExactly(new OrderPlaced("a", 1), new OrderShipped("a"));
				SubscriptionSnapshot snapshot = registry.snapshot("orderProjection").get();
				assertThat(snapshot.handled()).isEqualTo(2);
				assertThat(snapshot.skipped()).isEqualTo(1);
			});
	}

	@Test
	void allSubscriptionIsFilteredByTheServerAndItsCheckpointMovesWhenNothingMatches() throws Exception {
		String stream = EmbeddedServerSupport.unique("invoices");
		esdb.append(stream, new InvoiceIssued("i-1"));
		EventData[] noise = new EventData[100];
		for (int i = 0; i < noise.length; i++) {
			noise[i] = EventData.builderAsJson("Noise", "{}".getBytes()).build();
		}
		WriteResult last = esdb.client.appendToStream(EmbeddedServerSupport.unique("noise"), noise)
			.get(5, TimeUnit.SECONDS);
		Position lastNoise = last.getLogPosition();
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, InvoiceHandler.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.every-events=32",
					"esdb.subscriptions.checkpoint.every=1h", "test.id=" + stream)
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 1);
				// No event after the invoice matches, yet the server's checkpoints move the committed position on.
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> {
					Checkpoint committed = registry.snapshot(stream).get().committed();
					return committed != null && committed.position().compareTo(LogPosition.fromClient(lastNoise)) >= 0;
				});
				assertThat(recorder.received()).containsExactly(new InvoiceIssued("i-1"));
				assertThat(registry.snapshot(stream).get().skipped()).isZero();
			});
	}

	@Test
	void unfilteredAllSubscriptionNeverReceivesItsOwnCheckpoints() {
		String stream = EmbeddedServerSupport.unique("mixed");
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, AllEventsHandler.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.every-events=1", "test.id=" + stream)
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				esdb.append(stream, new OrderPlaced("x", 1), new OrderShipped("x"), new OrderPlaced("y", 2));
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> recorder.received().stream().filter(stream::equals).count() == 3);
				// The handler records before its checkpoint is committed, and the default store writes committed
				// checkpoints in the background: wait for the commit and then for the write, or the write could land
				// between the two reads below (the cause of an occasional "expected 1, got 2").
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> {
					SubscriptionSnapshot snapshot = registry.snapshot(stream).get();
					return snapshot.committed() != null && !snapshot.position().isAfter(snapshot.committed());
				});
				context.getBean(CheckpointStore.class).flush(stream);
				// Every handled event committed a checkpoint into $all; none of them came back, and reading them
				// did not commit again (which would write checkpoints forever).
				List<ResolvedEvent> checkpoints = esdb.read("$esdb-checkpoint-" + stream);
				assertThat(checkpoints).isNotEmpty();
				Thread.sleep(500);
				List<ResolvedEvent> later = esdb.read("$esdb-checkpoint-" + stream);
				assertThat(later.get(later.size() - 1).getEvent().getRevision())
					.isEqualTo(checkpoints.get(checkpoints.size() - 1).getEvent().getRevision());
				assertThat(recorder.received()).allSatisfy((s) -> assertThat((String) s).doesNotStartWith("$"));
			});
	}

	@Test
	void failingHandlerIsRetriedThenTheSubscriptionFailsWithoutMovingPastTheEvent() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("bad", -1), new OrderPlaced("c", 3));
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, FlakyHandler.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream)
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED);
				SubscriptionSnapshot failed = registry.snapshot(stream).get();
				assertThat(failed.failed()).isEqualTo(4); // the first attempt and 3 retries
				assertThat(failed.handled()).isEqualTo(1);
				assertThat(failed.position()).isEqualTo(Checkpoint.ofRevision(0));
				assertThat(failed.committed()).isEqualTo(Checkpoint.ofRevision(0));
				assertThat(failed.lastError()).contains("negative amount");
				assertThat(recorder.received()).containsExactly(new OrderPlaced("a", 1));
				assertThat(context.getBean(SubscriptionEventsRecorder.class).of(SubscriptionFailedEvent.class))
					.singleElement()
					.satisfies((event) -> assertThat(event.getCause()).hasMessageContaining("negative amount"));
				// Fix the cause and restart: it resumes at the failed event.
				context.getBean(FlakyHandler.class).broken.set(false);
				registry.restart(stream);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 3);
				assertThat(recorder.received()).containsExactly(new OrderPlaced("a", 1), new OrderPlaced("bad", -1),
						new OrderPlaced("c", 3));
			});
	}

	@Test
	void skipPolicyMovesPastAFailingEvent() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("bad", -1), new OrderPlaced("c", 3));
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, FlakyHandler.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream,
					"esdb.subscriptions.catch-up.on-error=skip", "esdb.subscriptions.catch-up.retry.max-attempts=1")
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 2);
				await().atMost(EmbeddedServerSupport.wait(5))
					.until(() -> Checkpoint.ofRevision(2).equals(registry.snapshot(stream).get().position()));
				SubscriptionSnapshot snapshot = registry.snapshot(stream).get();
				assertThat(recorder.received()).containsExactly(new OrderPlaced("a", 1), new OrderPlaced("c", 3));
				assertThat(snapshot.skipped()).isEqualTo(1);
				assertThat(snapshot.failed()).isEqualTo(2);
				assertThat(snapshot.state()).isIn(SubscriptionState.CATCHING_UP, SubscriptionState.LIVE);
			});
	}

	@Test
	void nackExceptionSkipMovesOnAndStopFailsTheCatchUpSubscription() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("skip-me", 1), new OrderPlaced("a", 2), new OrderPlaced("stop-here", 3),
				new OrderPlaced("never", 4));
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, NackingHandler.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream)
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED);
				SubscriptionSnapshot snapshot = registry.snapshot(stream).get();
				assertThat(recorder.received()).containsExactly(new OrderPlaced("a", 2));
				assertThat(snapshot.skipped()).isEqualTo(1);
				assertThat(snapshot.position()).isEqualTo(Checkpoint.ofRevision(1));
				assertThat(snapshot.lastError()).contains("cannot go on");
			});
	}

	@Test
	void gracefulShutdownLetsTheInFlightHandlerFinishAndCommitsIt() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("slow", 1));
		SlowHandler.entered = new CountDownLatch(1);
		SlowHandler.finished.set(false);
		esdb.runner()
			.withUserConfiguration(RecordersConfiguration.class, SlowHandler.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream)
			.run((context) -> {
				assertThat(SlowHandler.entered.await(10, TimeUnit.SECONDS)).isTrue();
				// Leaving the lambda closes the context while the handler sleeps.
			});
		assertThat(SlowHandler.finished).isTrue();
		List<ResolvedEvent> checkpoints = esdb.read("$esdb-checkpoint-" + stream);
		assertThat(checkpoints).hasSize(1);
		assertThat(new String(checkpoints.get(0).getEvent().getEventData())).isEqualTo("{\"revision\":0}");
	}

	@Test
	void theServerRestartingMidStreamLosesNoEvent() throws Exception {
		try (EmbeddedServerSupport own = new EmbeddedServerSupport()) {
			String stream = EmbeddedServerSupport.unique("orders");
			for (int i = 0; i < 150; i += 50) {
				Object[] batch = new Object[50];
				for (int j = 0; j < 50; j++) {
					batch[j] = new OrderPlaced("o-" + (i + j), i + j);
				}
				own.append(stream, batch);
			}
			own.runner()
				.withUserConfiguration(RecordersConfiguration.class, CountingHandler.class)
				.withPropertyValues("test.stream=" + stream, "test.id=" + stream,
						"esdb.subscriptions.checkpoint.every-events=10", "esdb.subscriptions.catch-up.batch-size=20",
						"esdb.max-discover-attempts=2")
				.run((context) -> {
					Recorder recorder = context.getBean(Recorder.class);
					await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() >= 30);
					own.server.stop();
					Thread.sleep(1500);
					own.server.start();
					try (WriterClient writer = new WriterClient(own)) {
						for (int i = 150; i < 300; i += 50) {
							EventData[] batch = new EventData[50];
							for (int j = 0; j < 50; j++) {
								batch[j] = EmbeddedServerSupport.event(new OrderPlaced("o-" + (i + j), i + j));
							}
							writer.client.appendToStream(stream, batch).get(10, TimeUnit.SECONDS);
						}
					}
					await().atMost(EmbeddedServerSupport.wait(30))
						.until(() -> uniqueIds(recorder).size() == 300);
					SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
					assertThat(registry.snapshot(stream).get().reconnects()).isGreaterThanOrEqualTo(1);
					assertThat(context.getBean(SubscriptionEventsRecorder.class).of(SubscriptionDroppedEvent.class))
						.first()
						.satisfies((dropped) -> assertThat(dropped.getCause()).hasMessageContaining("UNAVAILABLE"));
					// At least once: duplicates are possible only inside the uncommitted window.
					assertThat(recorder.size() - 300).isLessThanOrEqualTo(10);
				});
		}
	}

	private static Set<String> uniqueIds(Recorder recorder) {
		return recorder.received().stream().map((o) -> ((OrderPlaced) o).orderId()).collect(Collectors.toSet());
	}

	/** A second client for writing after the restart: the first may have given up and shut down. */
	static final class WriterClient implements AutoCloseable {

		final KurrentDBClient client;

		WriterClient(EmbeddedServerSupport esdb) {
			this.client = KurrentDBClient.create(io.kurrent.dbclient.KurrentDBConnectionString
				.parseOrThrow(esdb.server.connectionString()));
		}

		@Override
		public void close() {
			this.client.shutdown();
		}

	}

	@EventType("InvoiceIssued")
	record InvoiceIssued(String invoiceId) {
	}

	static class ThreadRecordingHandler {

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<Long> revisions = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event, EventContext context) {
			this.threads.add(Thread.currentThread().getName());
			this.revisions.add(context.revision());
		}

	}

	static class OrderHandler {

		private final Recorder recorder;

		private final CurrentEvent currentEvent;

		OrderHandler(Recorder recorder, CurrentEvent currentEvent) {
			this.recorder = recorder;
			this.currentEvent = currentEvent;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event, EventContext context) {
			// The template reads the event being handled from here, for causation and correlation ids.
			assertThat(this.currentEvent.get()).containsSame(context.event());
			this.recorder.record(event, context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(RecordersConfiguration.class)
	static class ProjectionConfiguration {

		@Bean
		OrderProjection orderProjection(Recorder recorder) {
			return new OrderProjection(recorder);
		}

	}

	@EventSubscription(stream = "${test.stream}")
	static class OrderProjection {

		private final Recorder recorder;

		OrderProjection(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventHandler
		void placed(OrderPlaced event) {
			this.recorder.record(event, null);
		}

		@EventHandler
		void shipped(OrderShipped event, RecordedEvent recorded) {
			assertThat(recorded.getEventType()).isEqualTo("OrderShipped");
			this.recorder.record(event, null);
		}

	}

	static class InvoiceHandler {

		private final Recorder recorder;

		InvoiceHandler(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventSubscription(id = "${test.id}", stream = "$all")
		void on(InvoiceIssued event) {
			this.recorder.record(event, null);
		}

	}

	static class AllEventsHandler {

		private final Recorder recorder;

		AllEventsHandler(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventSubscription(id = "${test.id}", stream = "$all")
		void on(ResolvedEvent event) {
			this.recorder.record(event.getOriginalEvent().getStreamId(), null);
		}

	}

	static class FlakyHandler {

		final AtomicBoolean broken = new AtomicBoolean(true);

		private final Recorder recorder;

		FlakyHandler(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event) {
			if (event.amount() < 0 && this.broken.get()) {
				throw new IllegalArgumentException("negative amount in " + event.orderId());
			}
			this.recorder.record(event, null);
		}

	}

	static class NackingHandler {

		private final Recorder recorder;

		NackingHandler(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event) {
			if (event.orderId().equals("skip-me")) {
				throw NackException.skip("not for us");
			}
			if (event.orderId().equals("stop-here")) {
				throw NackException.stop("cannot go on");
			}
			this.recorder.record(event, null);
		}

	}

	static class SlowHandler {

		static volatile CountDownLatch entered = new CountDownLatch(1);

		static final AtomicBoolean finished = new AtomicBoolean();

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event) throws InterruptedException {
			entered.countDown();
			Thread.sleep(1500);
			finished.set(true);
		}

	}

	static class CountingHandler {

		private final Recorder recorder;

		CountingHandler(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event) throws InterruptedException {
			// Slow enough that the restart happens mid-stream.
			Thread.sleep(5);
			this.recorder.record(event, null);
		}

	}

}
