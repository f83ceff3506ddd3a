package io.github.esdb.embedded;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;

/** Helpers shared by the tests: clients, events, a recording subscription listener. */
final class TestSupport {

	/**
	 * Upper bound for anything the tests wait for. Generous on purpose: on a loaded 2-core CI runner a delivery can
	 * take seconds; a passing test never waits this long.
	 */
	static final Duration WAIT = Duration.ofSeconds(30);

	private TestSupport() {
	}

	static KurrentDBClient client(String connectionString) {
		return KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString));
	}

	static EventData json(String type, String body) {
		return EventData.builderAsJson(type, body.getBytes(StandardCharsets.UTF_8)).build();
	}

	static EventData json(UUID id, String type, String body) {
		return EventData.builderAsJson(id, type, body.getBytes(StandardCharsets.UTF_8)).build();
	}

	static String body(ResolvedEvent event) {
		return new String(event.getEvent().getEventData(), StandardCharsets.UTF_8);
	}

	static Throwable cause(Throwable t) {
		return (t instanceof ExecutionException && t.getCause() != null) ? t.getCause() : t;
	}

	static String uniqueStream(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Records everything a subscription receives, in order. */
	static final class Recorder extends SubscriptionListener {

		final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();

		final List<Object> signals = new CopyOnWriteArrayList<>();

		final List<Position> checkpoints = new CopyOnWriteArrayList<>();

		final AtomicReference<Throwable> cancelled = new AtomicReference<>();

		volatile boolean cancelledCalled;

		volatile boolean caughtUp;

		volatile Long caughtUpRevision;

		volatile Position caughtUpPosition;

		@Override
		public void onEvent(Subscription subscription, ResolvedEvent event) {
			this.events.add(event);
			this.signals.add(event);
		}

		@Override
		public void onCaughtUp(Subscription subscription, Instant timestamp, Long revision, Position position) {
			this.caughtUpRevision = revision;
			this.caughtUpPosition = position;
			this.caughtUp = true;
			this.signals.add("caught-up");
		}

		@Override
		public void onCancelled(Subscription subscription, Throwable throwable) {
			this.cancelled.set(throwable);
			this.cancelledCalled = true;
		}

		List<String> bodies() {
			return this.events.stream().map(TestSupport::body).toList();
		}

	}

}
