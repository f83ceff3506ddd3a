package io.github.esdb.embedded;

import static io.github.esdb.embedded.TestSupport.json;
import static io.github.esdb.embedded.TestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * User-supplied filter regexes are evaluated against a step budget on their own threads: a catastrophic pattern
 * ends its own call with INVALID_ARGUMENT naming the filter, and other calls keep answering meanwhile.
 */
class RegexFilterBudgetTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	/** java.util.regex needs about cubic time for this on a long run of 'a's that does not end the name. */
	private static final String CATASTROPHIC = "(a+)+$";

	/** Other calls must answer within this while the pathological filters are being evaluated. */
	private static final long PROMPT_SECONDS = 2;

	@Test
	void catastrophicFiltersEndWithAnErrorWhileOtherCallsKeepAnswering() throws Exception {
		// One evaluation of the pattern against this name would take longer than the test run.
		String pathological = "a".repeat(256 * 1024) + "b";
		server.client().appendToStream(pathological, json("Evt", "{}")).get();
		String normal = uniqueStream("normal");
		server.client().appendToStream(normal, json("Evt", "{}")).get();

		TestSupport.Recorder first = new TestSupport.Recorder();
		TestSupport.Recorder second = new TestSupport.Recorder();
		long subscribed = System.nanoTime();
		Subscription s1 = subscribeWithFilter(first);
		Subscription s2 = subscribeWithFilter(second);

		// The expression is being evaluated on a server thread now.
		await().atMost(TestSupport.WAIT)
			.pollInterval(Duration.ofMillis(5))
			.until(RegexFilterBudgetTest::serverThreadInRegexEngine);

		// (b) a normal read and an append issued meanwhile answer promptly.
		assertThat(server.client()
			.readStream(normal, ReadStreamOptions.get())
			.get(PROMPT_SECONDS, TimeUnit.SECONDS)
			.getEvents()).hasSize(1);
		assertThat(server.client()
			.appendToStream(normal, json("Evt", "{}"))
			.get(PROMPT_SECONDS, TimeUnit.SECONDS)
			.getNextExpectedRevision()
			.toRawLong()).isEqualTo(1);

		// (a) each pathological subscription ends with an error the client reports, within a bounded time.
		await().atMost(TestSupport.WAIT).until(() -> first.cancelledCalled && second.cancelledCalled);
		assertThat(Duration.ofNanos(System.nanoTime() - subscribed)).isLessThan(TestSupport.WAIT);
		for (TestSupport.Recorder recorder : new TestSupport.Recorder[] { first, second }) {
			assertThat(recorder.cancelled.get()).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).contains("stream name filter regex '" + CATASTROPHIC + "'")
					.contains("too expensive");
			});
			assertThat(recorder.events).isEmpty();
		}
		// The server threads are free again.
		await().atMost(TestSupport.WAIT).until(() -> !serverThreadInRegexEngine());
		s1.stop();
		s2.stop();
	}

	@Test
	void ordinaryRegexFiltersStillMatch() throws Exception {
		String prefix = uniqueStream("orders");
		server.client().appendToStream(prefix + "-1", json("Placed", "{}")).get();
		server.client().appendToStream(uniqueStream("other"), json("Placed", "{}")).get();
		server.client().appendToStream(prefix + "-2", json("Shipped", "{}")).get();
		TestSupport.Recorder recorder = new TestSupport.Recorder();
		Subscription subscription = server.client()
			.subscribeToAll(recorder, SubscribeToAllOptions.get()
				.fromStart()
				.filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression("^" + prefix + "-\\d+$").build()))
			.get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
		await().atMost(TestSupport.WAIT).until(() -> recorder.caughtUp);
		assertThat(recorder.events).extracting((e) -> e.getEvent().getStreamId())
			.containsExactly(prefix + "-1", prefix + "-2");
		assertThat(recorder.cancelledCalled).isFalse();
		subscription.stop();
	}

	private static Subscription subscribeWithFilter(TestSupport.Recorder recorder) throws Exception {
		return server.client()
			.subscribeToAll(recorder,
					SubscribeToAllOptions.get()
						.fromStart()
						.filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression(CATASTROPHIC).build()))
			.get(TestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
