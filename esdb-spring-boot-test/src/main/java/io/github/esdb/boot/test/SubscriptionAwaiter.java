package io.github.esdb.boot.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscriptionStats;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import org.jspecify.annotations.Nullable;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.core.AppendResult;
import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Waits for the application's subscriptions in tests, so that a test asserts on a read model once it is up to date
 * instead of polling it. A bean in every test context with the starter's subscriptions (a {@code @SpringBootTest},
 * an {@link EsdbTest}); a wait that times out fails the test with an {@link AssertionError} that says where each
 * late subscription is.
 * <ul>
 * <li>{@link #awaitProcessed(AppendResult)}: every subscription that receives the append has handled it (see
 * {@link SubscriptionRegistry#awaitPosition} for what "handled" means for a filtered {@code $all} subscription and
 * for a persistent one).</li>
 * <li>{@link #awaitCaughtUp()}: every subscription (or the named ones) has handled every event in the database that
 * it receives, including the events that handlers appended while it waited: it waits again until nothing moves.</li>
 * </ul>
 * Stopped subscriptions are passed over (a test may stop one on purpose); a failed one fails the wait at once.
 */
public class SubscriptionAwaiter {

	/** How far back {@code $all} is read, at most, to find the newest event a subscription receives. */
	private static final int ALL_SCAN_LIMIT = 10_000;

	private static final int PAGE = 500;

	private static final long POLL_MILLIS = 20;

	private final SubscriptionRegistry registry;

	private final KurrentDBClientProvider clients;

	private final Duration timeout;

	/**
	 * Create an awaiter.
	 * @param registry the application's subscriptions
	 * @param clients the client to read heads and persistent group statistics with
	 * @param timeout how long a wait takes at most unless given ({@code esdb.test.await-timeout})
	 */
	public SubscriptionAwaiter(SubscriptionRegistry registry, KurrentDBClientProvider clients, Duration timeout) {
		this.registry = registry;
		this.clients = clients;
		this.timeout = timeout;
	}

	/**
	 * Wait until every subscription that receives an append has handled it: subscriptions to {@code $all} (unless
	 * their filter lets none of its events through) and subscriptions to the append's stream.
	 * @param result what {@code EsdbOperations.append} returned
	 * @throws AssertionError if one has not within {@code esdb.test.await-timeout}, or has failed
	 */
	public void awaitProcessed(AppendResult result) {
		awaitProcessed(result, this.timeout);
	}

	/**
	 * Wait until every subscription that receives an append has handled it.
	 * @param result what {@code EsdbOperations.append} returned
	 * @param timeout how long to wait at most
	 * @throws AssertionError if one has not within the timeout, or has failed
	 */
	public void awaitProcessed(AppendResult result, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> late = new ArrayList<>();
		for (SubscriptionSnapshot snapshot : this.registry.snapshots()) {
			if (!SubscriptionEndpoint.ALL.equals(snapshot.stream()) && !snapshot.stream().equals(result.stream())) {
				continue;
			}
			if (skip(snapshot, false)) {
				continue;
			}
			// Once the time is up the others are still checked, without waiting, so that the report names them all.
			if (!this.registry.awaitPosition(snapshot.id(), result, left(deadline))) {
				SubscriptionSnapshot now = current(snapshot.id());
				if (now.state() != SubscriptionState.STOPPED) {
					late.add("Subscription '" + snapshot.id() + "' did not process the append to '" + result.stream()
							+ "' (revision " + result.nextExpectedRevision() + ", position "
							+ ((result.logPosition() != null) ? LogPosition.fromClient(result.logPosition())
									: "unknown")
							+ ") within " + timeout + ": " + describe(now));
				}
			}
		}
		if (!late.isEmpty()) {
			throw new AssertionError(String.join("\n", late));
		}
	}

	/**
	 * Wait until every running subscription has handled every event it receives, including those appended by
	 * handlers meanwhile.
	 * @throws AssertionError if one has not within {@code esdb.test.await-timeout}, or has failed
	 */
	public void awaitCaughtUp() {
		awaitCaughtUp(this.timeout);
	}

	/**
	 * Wait until the named subscriptions have handled every event they receive, including those appended by
	 * handlers meanwhile.
	 * @param ids the subscription ids; none for all running subscriptions
	 * @throws AssertionError if one has not within {@code esdb.test.await-timeout}, is stopped or has failed
	 * @throws IllegalArgumentException if there is no subscription with one of the ids
	 */
	public void awaitCaughtUp(String... ids) {
		awaitCaughtUp(this.timeout, ids);
	}

	/**
	 * Wait until the named subscriptions have handled every event they receive, including those appended by
	 * handlers meanwhile.
	 * @param timeout how long to wait at most
	 * @param ids the subscription ids; none for all running subscriptions
	 * @throws AssertionError if one has not within the timeout, is stopped or has failed
	 * @throws IllegalArgumentException if there is no subscription with one of the ids
	 */
	public void awaitCaughtUp(Duration timeout, String... ids) {
		boolean named = ids.length > 0;
		List<String> targets = named ? List.of(ids) : this.registry.ids();
		for (String id : targets) {
			if (this.registry.snapshot(id).isEmpty()) {
				throw new IllegalArgumentException("No subscription with id '" + id + "'; known: "
						+ this.registry.ids());
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		// Handlers may append events that other subscriptions (or they themselves) receive: wait again until a
		// round finds nothing left to wait for.
		boolean waited = true;
		while (waited) {
			if (System.nanoTime() >= deadline) {
				throw new AssertionError("The subscriptions " + targets + " did not settle within " + timeout
						+ ": handlers kept appending events that subscriptions receive");
			}
			waited = false;
			for (String id : targets) {
				waited |= awaitCaughtUp(id, named, deadline, timeout);
			}
		}
	}

	/**
	 * Wait for one subscription.
	 * @return whether there was anything to wait for
	 */
	private boolean awaitCaughtUp(String id, boolean named, long deadline, Duration timeout) {
		SubscriptionSnapshot snapshot = current(id);
		if (skip(snapshot, named)) {
			return false;
		}
		if (snapshot.kind() == SubscriptionKind.PERSISTENT) {
			return awaitGroupDone(snapshot, deadline, timeout);
		}
		boolean waited = false;
		while (snapshot.state() != SubscriptionState.LIVE) {
			waited = true;
			snapshot = pause(id, deadline, timeout, "to catch up");
			if (skip(snapshot, named)) {
				return false;
			}
		}
		Head head = head(snapshot);
		if (head.unknown()) {
			pause(id, deadline, timeout, "to come within " + ALL_SCAN_LIMIT + " events of the head");
			return true;
		}
		if (head.target() == null || this.registry.awaitPosition(id, head.target(), Duration.ZERO)) {
			return waited;
		}
		if (!this.registry.awaitPosition(id, head.target(), left(deadline))) {
			SubscriptionSnapshot now = current(id);
			if (now.state() == SubscriptionState.STOPPED && !named) {
				return false;
			}
			throw new AssertionError("Subscription '" + id + "' did not catch up with " + head.describe() + " within "
					+ timeout + ": " + describe(now));
		}
		return true;
	}

	/**
	 * A persistent group is done when the server has read its source to the end and has nothing buffered, in
	 * flight or waiting for a retry: every event was acked, parked or skipped, by whichever consumer.
	 */
	private boolean awaitGroupDone(SubscriptionSnapshot snapshot, long deadline, Duration timeout) {
		boolean waited = false;
		while (true) {
			Optional<String> pending = groupPending(snapshot);
			if (pending.isEmpty()) {
				return waited;
			}
			waited = true;
			if (System.nanoTime() >= deadline) {
				throw new AssertionError("Persistent subscription '" + snapshot.id() + "' (group '"
						+ snapshot.group() + "') did not catch up within " + timeout + ": the server reports "
						+ pending.get() + "; " + describe(current(snapshot.id())));
			}
			SubscriptionSnapshot now = pause(snapshot.id(), deadline, timeout, "to catch up");
			if (now.state() == SubscriptionState.FAILED) {
				throw new AssertionError("Subscription '" + now.id() + "' failed: " + describe(now));
			}
		}
	}

	/**
	 * What the server still has for a group, or empty when nothing.
	 */
	private Optional<String> groupPending(SubscriptionSnapshot snapshot) {
		KurrentDBPersistentSubscriptionsClient client = this.clients.persistentSubscriptions();
		String status;
		PersistentSubscriptionStats stats;
		try {
			if (SubscriptionEndpoint.ALL.equals(snapshot.stream())) {
				Optional<PersistentSubscriptionToAllInfo> info = client.getInfoToAll(snapshot.group())
					.get(10, TimeUnit.SECONDS);
				if (info.isEmpty()) {
					return Optional.of("no such group");
				}
				status = info.get().getStatus();
				stats = info.get().getStats();
			}
			else {
				Optional<PersistentSubscriptionToStreamInfo> info = client
					.getInfoToStream(snapshot.stream(), snapshot.group())
					.get(10, TimeUnit.SECONDS);
				if (info.isEmpty()) {
					return Optional.of("no such group");
				}
				status = info.get().getStatus();
				stats = info.get().getStats();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for subscription '" + snapshot.id() + "'", ex);
		}
		catch (Exception ex) {
			return Optional.of("nothing (" + ex + ")");
		}
		boolean done = "Live".equalsIgnoreCase(status) && stats.getReadBufferCount() == 0
				&& stats.getLiveBufferCount() == 0 && stats.getRetryBufferCount() == 0
				&& stats.getTotalInFlightMessages() == 0 && stats.getOutstandingMessagesCount() == 0;
		return done ? Optional.empty()
				: Optional.of("status " + status + ", " + stats.getReadBufferCount() + " read-buffered, "
						+ stats.getLiveBufferCount() + " live-buffered, " + stats.getRetryBufferCount()
						+ " waiting for a retry, " + stats.getTotalInFlightMessages() + " in flight");
	}

	/**
	 * The newest event of the subscription's source that it receives and has not passed yet.
	 */
	private Head head(SubscriptionSnapshot snapshot) {
		try {
			if (SubscriptionEndpoint.ALL.equals(snapshot.stream())) {
				return allHead(snapshot);
			}
			ReadResult result = this.clients.client()
				.readStream(snapshot.stream(), ReadStreamOptions.get().backwards().fromEnd().maxCount(1)
					.notResolveLinkTos())
				.get(10, TimeUnit.SECONDS);
			if (result.getEvents().isEmpty()) {
				return Head.NONE;
			}
			RecordedEvent last = result.getEvents().get(0).getOriginalEvent();
			return new Head(new AppendResult(last.getStreamId(), last.getRevision(), last.getPosition()), last, false);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof StreamNotFoundException) {
				return Head.NONE;
			}
			throw new AssertionError("Cannot read the head of '" + snapshot.stream() + "': " + ex.getCause(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while reading the head of '" + snapshot.stream() + "'", ex);
		}
		catch (Exception ex) {
			throw new AssertionError("Cannot read the head of '" + snapshot.stream() + "': " + ex, ex);
		}
	}

	private Head allHead(SubscriptionSnapshot snapshot) throws Exception {
		Checkpoint position = snapshot.position();
		LogPosition after = (position != null && position.isPosition()) ? position.position() : null;
		EventFilterSpec filter = snapshot.filter();
		io.kurrent.dbclient.Position from = null;
		int scanned = 0;
		while (scanned < ALL_SCAN_LIMIT) {
			ReadAllOptions options = ReadAllOptions.get().backwards().maxCount(PAGE).notResolveLinkTos();
			options = (from != null) ? options.fromPosition(from) : options.fromEnd();
			List<ResolvedEvent> events = this.clients.client().readAll(options).get(10, TimeUnit.SECONDS).getEvents();
			for (ResolvedEvent event : events) {
				RecordedEvent recorded = event.getOriginalEvent();
				LogPosition at = LogPosition.fromClient(recorded.getPosition());
				if (after != null && !at.isAfter(after)) {
					return Head.NONE;
				}
				if (from != null && at.equals(LogPosition.fromClient(from))) {
					// The last event of the previous page again, should the server include it.
					continue;
				}
				if (receives(filter, recorded)) {
					return new Head(new AppendResult(recorded.getStreamId(), recorded.getRevision(),
							recorded.getPosition()), recorded, false);
				}
				scanned++;
			}
			if (events.size() < PAGE) {
				return Head.NONE;
			}
			from = events.get(events.size() - 1).getOriginalEvent().getPosition();
		}
		// Further behind than the scan reaches: wait a little and look again from where it has got to.
		return Head.UNKNOWN;
	}

	/** The events a subscription to {@code $all} hands to its handlers: user events passing its filter. */
	private static boolean receives(@Nullable EventFilterSpec filter, RecordedEvent event) {
		return !event.getStreamId().startsWith("$") && !event.getEventType().startsWith("$")
				&& (filter == null || filter.matches(event.getEventType(), event.getStreamId()));
	}

	private boolean skip(SubscriptionSnapshot snapshot, boolean named) {
		if (snapshot.state() == SubscriptionState.FAILED) {
			throw new AssertionError("Subscription '" + snapshot.id() + "' failed: " + describe(snapshot));
		}
		if (snapshot.state() == SubscriptionState.STOPPED) {
			if (named) {
				throw new AssertionError("Subscription '" + snapshot.id() + "' is stopped; start it first");
			}
			return true;
		}
		return false;
	}

	private SubscriptionSnapshot pause(String id, long deadline, Duration timeout, String what) {
		if (System.nanoTime() >= deadline) {
			throw new AssertionError("Subscription '" + id + "' did not manage " + what + " within " + timeout + ": "
					+ describe(current(id)));
		}
		try {
			Thread.sleep(POLL_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for subscription '" + id + "'", ex);
		}
		return current(id);
	}

	private SubscriptionSnapshot current(String id) {
		return this.registry.snapshot(id)
			.orElseThrow(() -> new AssertionError("Subscription '" + id + "' was unsubscribed while waiting"));
	}

	private static Duration left(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	private static String describe(SubscriptionSnapshot snapshot) {
		List<String> parts = new ArrayList<>(Arrays.asList("state " + snapshot.state(),
				(snapshot.position() != null) ? "at " + snapshot.position() : "before its first event",
				snapshot.handled() + " handled", snapshot.skipped() + " skipped", snapshot.failed() + " failed"));
		if (snapshot.lastError() != null) {
			parts.add("last error: " + snapshot.lastError());
		}
		return String.join(", ", parts);
	}

	/**
	 * What a catch-up subscription has to reach, with the event for messages; {@code unknown} when it is too far
	 * behind to tell.
	 */
	private record Head(@Nullable AppendResult target, @Nullable RecordedEvent event, boolean unknown) {

		static final Head NONE = new Head(null, null, false);

		static final Head UNKNOWN = new Head(null, null, true);

		String describe() {
			return (this.event != null) ? "event " + this.event.getRevision() + "@" + this.event.getStreamId() + " ("
					+ this.event.getEventType() + ", " + LogPosition.fromClient(this.event.getPosition()) + ")"
					: "the head";
		}

	}

}
