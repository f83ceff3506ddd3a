package io.github.esdb.embedded.persistent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ResolvedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Clients, events and a recording listener shared by the persistent subscription tests. */
final class PersistentTestSupport {

	/**
	 * Upper bound for anything the tests wait for. Generous on purpose: on a loaded 2-core CI runner a delivery can
	 * take seconds; a passing test never waits this long.
	 */
	static final Duration WAIT = Duration.ofSeconds(30);

	private PersistentTestSupport() {
	}

	static KurrentDBClient client(EmbeddedEsdbServer server) {
		return KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
	}

	static KurrentDBPersistentSubscriptionsClient persistent(EmbeddedEsdbServer server) {
		return KurrentDBPersistentSubscriptionsClient
			.create(KurrentDBConnectionString.parseOrThrow(server.connectionString()));
	}

	static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static EventData event(String type, String body) {
		return EventData.builderAsJson(type, body.getBytes(StandardCharsets.UTF_8)).build();
	}

	static void append(KurrentDBClient client, String stream, int count) throws Exception {
		List<EventData> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(event("test-event", "{\"n\":" + i + "}"));
		}
		client.appendToStream(stream, events.iterator()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	static <T> T await(CompletableFuture<T> future) throws Exception {
		return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Waits for a future to fail with a gRPC status and returns it. */
	static StatusRuntimeException statusOf(CompletableFuture<?> future) throws Exception {
		try {
			future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOf(StatusRuntimeException.class);
			return (StatusRuntimeException) ex.getCause();
		}
		return fail("expected a failure");
	}

	static String trailer(StatusRuntimeException ex, String key) {
		return ex.getTrailers().get(io.grpc.Metadata.Key.of(key, io.grpc.Metadata.ASCII_STRING_MARSHALLER));
	}

	static void assertError(StatusRuntimeException ex, Status.Code code, String exception) {
		assertThat(ex.getStatus().getCode()).isEqualTo(code);
		assertThat(trailer(ex, "exception")).isEqualTo(exception);
	}

	/**
	 * A delivered event with its retry count.
	 * @param retryCount the retry count sent by the server
	 * @param event the event
	 * @param receivedNanos {@link System#nanoTime()} when the listener got it
	 */
	record Delivery(int retryCount, ResolvedEvent event, long receivedNanos) {

		String body() {
			return new String(this.event.getEvent().getEventData(), StandardCharsets.UTF_8);
		}

		long revision() {
			return this.event.getOriginalEvent().getRevision();
		}

	}

	/** Records deliveries; acks them at once when {@code autoAck}. */
	static final class Recorder extends PersistentSubscriptionListener {

		final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

		final AtomicReference<Throwable> cancelled = new AtomicReference<>();

		volatile boolean cancelledCalled;

		private final boolean autoAck;

		Recorder(boolean autoAck) {
			this.autoAck = autoAck;
		}

		@Override
		public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
			this.deliveries.add(new Delivery(retryCount, event, System.nanoTime()));
			if (this.autoAck) {
				subscription.ack(event);
			}
		}

		@Override
		public void onCancelled(PersistentSubscription subscription, Throwable throwable) {
			this.cancelled.set(throwable);
			this.cancelledCalled = true;
		}

		Delivery next() throws InterruptedException {
			Delivery delivery = this.deliveries.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(delivery).as("a delivery within " + WAIT).isNotNull();
			return delivery;
		}

		List<Delivery> next(int count) throws InterruptedException {
			List<Delivery> result = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				result.add(next());
			}
			return result;
		}

		/**
		 * Asserts nothing more arrives within the given time. Only for events a correct server never sends: load can
		 * make this miss a wrong delivery, never report one that did not happen.
		 */
		void assertQuiet(Duration duration) throws InterruptedException {
			assertThat(this.deliveries.poll(duration.toMillis(), TimeUnit.MILLISECONDS)).isNull();
		}

	}

}
