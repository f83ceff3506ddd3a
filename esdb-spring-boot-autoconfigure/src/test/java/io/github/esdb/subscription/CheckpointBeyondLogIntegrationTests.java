package io.github.esdb.subscription;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.esdb.subscription.event.SubscriptionFailedEvent;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checkpoints kept in PostgreSQL while the in-memory server starts empty: the stored checkpoint lies after the end of
 * the log. By default the subscription fails with a message that names it and both positions; with
 * {@code beyond-log=reset} it forgets the checkpoint and starts from the start. Never a silent wait.
 */
class CheckpointBeyondLogIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static ApplicationContextRunner runner(EmbeddedServerSupport server, String id, String stream) {
		return JdbcTestSupport.checkpointsIn(postgres, server.runner())
			.withUserConfiguration(RecordingHandlerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + id);
	}

	/**
	 * A first server where the subscription handles its events and keeps its checkpoint (revision 4 of the stream),
	 * then is lost.
	 */
	private static void handleEventsOnAServerThatIsThenLost(String id, String subscribed, String stream) {
		try (EmbeddedServerSupport lost = new EmbeddedServerSupport()) {
			lost.append(stream + "-other", new OrderPlaced("x", 0), new OrderPlaced("y", 0));
			lost.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3),
					new OrderPlaced("d", 4), new OrderPlaced("e", 5));
			int expected = SubscriptionEndpoint.ALL.equals(subscribed) ? 7 : 5;
			runner(lost, id, subscribed).run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == expected);
			});
		}
	}

	@Test
	void aStreamCheckpointAfterTheEndFailsTheSubscriptionNamingItAndBothPositions() {
		String stream = EmbeddedServerSupport.unique("orders");
		handleEventsOnAServerThatIsThenLost(stream, stream, stream);
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(4L);
		try (EmbeddedServerSupport empty = new EmbeddedServerSupport()) {
			runner(empty, stream, stream).run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(20))
					.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.FAILED);
				assertThat(registry.snapshot(stream).get().lastError()).contains("Subscription '" + stream
						+ "' has the stored checkpoint 4, after the end of stream '" + stream + "', which holds no event")
					.contains("esdb.subscriptions.checkpoint.beyond-log=reset");
				SubscriptionFailedEvent failed = context.getBean(SubscriptionEventsRecorder.class)
					.of(SubscriptionFailedEvent.class)
					.get(0);
				assertThat(failed.getCause()).isInstanceOfSatisfying(CheckpointBeyondLogException.class, (ex) -> {
					assertThat(ex.getSubscriptionId()).isEqualTo(stream);
					assertThat(ex.getCheckpoint()).isEqualTo(Checkpoint.ofRevision(4));
					assertThat(ex.getEnd()).isNull();
				});
				// The log grows, but not past the checkpoint: a restart says where it ends now.
				empty.append(stream, new OrderPlaced("new-a", 1), new OrderPlaced("new-b", 2));
				registry.restart(stream);
				await().atMost(EmbeddedServerSupport.wait(20))
					.until(() -> registry.snapshot(stream).get().lastError().contains("at 1:"));
				assertThat(registry.snapshot(stream).get().state()).isEqualTo(SubscriptionState.FAILED);
				assertThat(registry.snapshot(stream).get().lastError())
					.contains("has the stored checkpoint 4, after the end of stream '" + stream + "' at 1:");
				assertThat(context.getBean(Recorder.class).received()).isEmpty();
			});
		}
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).as("left as it was").isEqualTo(4L);
	}

	@Test
	void resetForgetsTheCheckpointAndStartsFromTheStart() {
		String stream = EmbeddedServerSupport.unique("orders");
		handleEventsOnAServerThatIsThenLost(stream, stream, stream);
		try (EmbeddedServerSupport empty = new EmbeddedServerSupport()) {
			empty.append(stream, new OrderPlaced("new-a", 1), new OrderPlaced("new-b", 2));
			runner(empty, stream, stream).withPropertyValues("esdb.subscriptions.checkpoint.beyond-log=reset")
				.run((context) -> {
					Recorder recorder = context.getBean(Recorder.class);
					SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
					await().atMost(EmbeddedServerSupport.wait(20))
						.until(() -> Checkpoint.ofRevision(1).equals(registry.snapshot(stream).get().committed()));
					assertThat(recorder.received()).containsExactly(new OrderPlaced("new-a", 1),
							new OrderPlaced("new-b", 2));
					assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(1L);
				});
		}
	}

	@Test
	void anAllCheckpointAfterTheEndOfAllFailsTheSubscription() {
		String id = EmbeddedServerSupport.unique("all-orders");
		String prefix = EmbeddedServerSupport.unique("shop");
		handleEventsOnAServerThatIsThenLost(id, SubscriptionEndpoint.ALL, prefix + "-orders");
		try (EmbeddedServerSupport empty = new EmbeddedServerSupport()) {
			empty.append(prefix + "-1", new OrderPlaced("new-a", 1));
			runner(empty, id, "$all").run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(20))
					.until(() -> registry.snapshot(id).get().state() == SubscriptionState.FAILED);
				CheckpointBeyondLogException ex = (CheckpointBeyondLogException) context
					.getBean(SubscriptionEventsRecorder.class)
					.of(SubscriptionFailedEvent.class)
					.get(0)
					.getCause();
				assertThat(ex.getCheckpoint().isPosition()).isTrue();
				assertThat(ex.getEnd()).isNotNull();
				assertThat(ex.getCheckpoint().isAfter(ex.getEnd())).isTrue();
				assertThat(ex).hasMessageContaining("Subscription '" + id + "' has the stored checkpoint "
						+ ex.getCheckpoint() + ", after the end of $all at " + ex.getEnd());
				assertThat(context.getBean(Recorder.class).received()).isEmpty();
			});
		}
	}

	@Test
	void aDeletedStreamIsNotTakenForALostLog() throws Exception {
		String stream = EmbeddedServerSupport.unique("orders");
		try (EmbeddedServerSupport server = new EmbeddedServerSupport()) {
			server.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
			ApplicationContextRunner runner = runner(server, stream, stream);
			runner.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 3);
			});
			// Soft-deleted: reads find no stream, but written again its revisions go on after 2.
			server.client.deleteStream(stream).get(10, java.util.concurrent.TimeUnit.SECONDS);
			runner.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(EmbeddedServerSupport.wait(10))
					.until(() -> registry.snapshot(stream).get().state() == SubscriptionState.LIVE);
				server.append(stream, new OrderPlaced("d", 4));
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 1);
				assertThat(recorder.received()).containsExactly(new OrderPlaced("d", 4));
				assertThat(recorder.contexts().get(0).revision()).isEqualTo(3L);
			});
		}
	}

}
