package io.github.esdb.embedded.persistent;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.esdb.embedded.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.SubscriptionFilter;

import static io.github.esdb.embedded.persistent.PersistentTestSupport.await;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.event;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.statusOf;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A persistent {@code $all} group filtered by a catastrophic regex: its subscribers get INVALID_ARGUMENT naming the
 * filter, and other calls keep answering while the expression is evaluated.
 */
class PersistentRegexFilterBudgetTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	private static final String CATASTROPHIC = "(a+)+$";

	@Test
	void catastrophicGroupFilterFailsItsSubscribersWhileOtherCallsKeepAnswering() throws Exception {
		String pathological = "a".repeat(256 * 1024) + "b";
		await(server.client().appendToStream(pathological, event("test-event", "{}")));
		String normal = unique("normal");
		await(server.client().appendToStream(normal, event("test-event", "{}")));
		// Two groups, like two reads: each evaluates the expression against the long name as soon as it starts.
		String group = unique("catastrophic");
		createCatastrophicGroup(group);
		createCatastrophicGroup(unique("catastrophic"));
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		CompletableFuture<PersistentSubscription> subscribed = server.persistent().subscribeToAll(group, recorder);

		// The group evaluates its filter now; a normal read and an append answer promptly meanwhile.
		await().atMost(PersistentTestSupport.WAIT)
			.pollInterval(java.time.Duration.ofMillis(5))
			.until(PersistentRegexFilterBudgetTest::serverThreadInRegexEngine);
		assertThat(server.client()
			.readStream(normal, ReadStreamOptions.get())
			.get(2, TimeUnit.SECONDS)
			.getEvents()).hasSize(1);
		server.client().appendToStream(normal, event("test-event", "{}")).get(2, TimeUnit.SECONDS);

		// The subscriber learns why: either before its confirmation (subscribe fails) or after (onCancelled).
		StatusRuntimeException error;
		try {
			subscribed.get(PersistentTestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
			await().atMost(PersistentTestSupport.WAIT).until(() -> recorder.cancelledCalled);
			assertThat(recorder.cancelled.get()).isInstanceOf(StatusRuntimeException.class);
			error = (StatusRuntimeException) recorder.cancelled.get();
		}
		catch (ExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOf(StatusRuntimeException.class);
			error = (StatusRuntimeException) ex.getCause();
		}
		assertBudgetError(error);
		assertThat(recorder.deliveries).isEmpty();

		// Later subscribers are told the same, before any confirmation.
		assertBudgetError(statusOf(server.persistent().subscribeToAll(group, new PersistentTestSupport.Recorder(true))));
		await().atMost(PersistentTestSupport.WAIT).until(() -> !serverThreadInRegexEngine());
	}

	private static void createCatastrophicGroup(String group) throws Exception {
		await(server.persistent().createToAll(group, CreatePersistentSubscriptionToAllOptions.get()
			.fromStart()
			.filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression(CATASTROPHIC).build())));
	}

	private static void assertBudgetError(StatusRuntimeException error) {
		assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(error.getStatus().getDescription()).contains("stream name filter regex '" + CATASTROPHIC + "'")
			.contains("too expensive");
	}

	/** Whether one of the server's threads is running the regex engine (the server runs in this JVM). */
	private static boolean serverThreadInRegexEngine() {
		for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
			if (!entry.getKey().getName().startsWith("esdb-embedded-")) {
				continue;
			}
			for (StackTraceElement frame : entry.getValue()) {
				if (frame.getClassName().startsWith("java.util.regex.")) {
					return true;
				}
			}
		}
		return false;
	}

}
