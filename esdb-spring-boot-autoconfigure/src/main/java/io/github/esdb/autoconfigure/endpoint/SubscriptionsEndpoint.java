package io.github.esdb.autoconfigure.endpoint;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.subscription.ParkedEvent;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionOwnedElsewhereException;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SegmentOwnership;
import io.github.esdb.subscription.SubscriptionOwnership;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The {@code esdbsubscriptions} actuator endpoint: reads list every subscription (or one by id) with its state,
 * position and lag, and one subscription's parked events; a write operates on one by id
 * ({@code POST /actuator/esdbsubscriptions/{id}} with {@code {"action": "stop"}}, or
 * {@code {"action": "reset", "to": "start"}}): start, stop, restart, reset it, list, replay or purge its parked
 * events. It is exposed and secured like any other endpoint; set
 * {@code management.endpoint.esdbsubscriptions.access=read-only} to allow the reads only.
 */
@Endpoint(id = "esdbsubscriptions")
public class SubscriptionsEndpoint {

	private final SubscriptionRegistry registry;

	private final SubscriptionMonitor monitor;

	/** How many parked events a page holds unless the request says. */
	static final int DEFAULT_LIMIT = 20;

	/** The largest page. */
	static final int MAX_LIMIT = 1000;

	private final Map<String, Action> actions;

	/**
	 * Create the endpoint.
	 * @param registry the subscriptions to operate on
	 * @param monitor where lag and stall status come from
	 */
	public SubscriptionsEndpoint(SubscriptionRegistry registry, SubscriptionMonitor monitor) {
		this.registry = registry;
		this.monitor = monitor;
		this.actions = actions();
	}

	/**
	 * All subscriptions.
	 * @return the descriptors, in registration order
	 */
	@ReadOperation
	public SubscriptionsDescriptor subscriptions() {
		return new SubscriptionsDescriptor(this.monitor.statuses().stream().map(SubscriptionDescriptor::of).toList());
	}

	/**
	 * One subscription.
	 * @param id the subscription id
	 * @return the descriptor, or {@code null} (404) if there is no such subscription
	 */
	@ReadOperation
	public SubscriptionDescriptor subscription(@Selector String id) {
		return this.monitor.status(id).map(SubscriptionDescriptor::of).orElse(null);
	}

	/**
	 * One subscription's parked events, oldest first ({@code GET /actuator/esdbsubscriptions/{id}/parked}); a read,
	 * so it stays available with {@code access=read-only}.
	 * @param id the subscription id
	 * @param what {@code parked}
	 * @param offset how many to pass over, 0 when not given
	 * @param limit how many at most, {@value #DEFAULT_LIMIT} when not given
	 * @return the page, or {@code null} (404) if there is no such subscription
	 */
	@ReadOperation
	public @Nullable ParkedDescriptor parked(@Selector String id, @Selector String what, @Nullable Integer offset,
			@Nullable Integer limit) {
		if (!"parked".equals(what)) {
			String message = "Unknown part '" + what + "'; use parked";
			throw new InvalidEndpointRequestException(message, message);
		}
		if (this.registry.snapshot(id).isEmpty()) {
			return null;
		}
		return parkedPage(id, new Request(null, offset, limit, null));
	}

	/**
	 * Operate on one subscription ({@code POST /actuator/esdbsubscriptions/{id}} with {@code {"action": "stop"}}):
	 * {@code start}, {@code stop} or {@code restart} it (a stop waits for the in-flight handler up to
	 * {@code esdb.subscriptions.shutdown-timeout}; a start of a FAILED subscription resumes at the event that
	 * failed); {@code reset} it to {@code to} and replay from there (see {@link #reset}); list its parked events
	 * ({@code parked}, with {@code offset} and {@code limit}); hand them to its handler again ({@code replay-parked},
	 * all or the oldest {@code max}); or drop them ({@code purge-parked}). An unknown action answers 400 with the
	 * valid ones.
	 * @param id the subscription id
	 * @param action what to do
	 * @param to {@code reset}: the target
	 * @param offset {@code parked}: how many to pass over
	 * @param limit {@code parked}: how many at most
	 * @param max {@code replay-parked}: how many at most
	 * @return what the action answers, or {@code null} (404) if there is no such subscription
	 */
	@WriteOperation
	public @Nullable Object operate(@Selector String id, String action, @Nullable String to,
			@Nullable Integer offset, @Nullable Integer limit, @Nullable Integer max) {
		Action chosen = this.actions.get((action != null) ? action.trim().toLowerCase(Locale.ROOT) : "");
		if (chosen == null) {
			// The reason is what an HTTP client sees (with server.error.include-message): it names the valid ones.
			String message = "Unknown action '" + action + "'; use one of " + String.join(", ", this.actions.keySet());
			throw new InvalidEndpointRequestException(message, message);
		}
		if (this.registry.snapshot(id).isEmpty()) {
			return null;
		}
		return chosen.apply(id, new Request(to, offset, limit, max));
	}

	/**
	 * Start, stop, restart or reset one subscription, or run another action that takes no argument, as
	 * {@link #operate(String, String, String, Integer, Integer, Integer)} does.
	 * @param id the subscription id
	 * @param action what to do
	 * @return what the action answers, or {@code null} if there is no such subscription
	 */
	public @Nullable Object operate(String id, String action) {
		return operate(id, action, null, null, null, null);
	}

	/**
	 * Reset a catch-up subscription to a target and replay from there (see {@link SubscriptionRegistry#reset}).
	 * @param id the subscription id
	 * @param to {@code start}, {@code end}, {@code revision:42} (a stream revision), {@code position:C:1234/P:1234}
	 * (an {@code $all} position; {@code position:1234} is a commit position), an ISO-8601 time with an offset such as
	 * {@code 2026-11-26T08:00:00Z} (the first event created at or after it), or a plain number: a revision for a
	 * subscription to a stream, a commit position for a subscription to {@code $all}
	 * @return the subscription after the reset, or {@code null} (404) if there is no such subscription
	 * @throws InvalidEndpointRequestException (400) without a target, with one that does not fit the subscription,
	 * for a persistent subscription, or for a coordinated one whose lease another instance holds (the message names
	 * it)
	 */
	public SubscriptionDescriptor reset(String id, @Nullable String to) {
		SubscriptionSnapshot snapshot = this.registry.snapshot(id).orElse(null);
		if (snapshot == null) {
			return null;
		}
		if (to == null || to.isBlank()) {
			throw new InvalidEndpointRequestException("The reset action needs a target: to = start, end, "
					+ "revision:<revision>, position:C:<commit>/P:<prepare> or an ISO-8601 time", "Missing reset target");
		}
		try {
			StartPosition target = StartPosition.parseTarget(to, SubscriptionEndpoint.ALL.equals(snapshot.stream()));
			this.registry.reset(id, target);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Bad reset target");
		}
		catch (SubscriptionOwnedElsewhereException ex) {
			// Asked of the wrong instance: the message names the one to ask.
			throw new InvalidEndpointRequestException(ex.getMessage(),
					"Instance '" + ex.getOwner() + "' runs the subscription: reset it there");
		}
		catch (IllegalStateException ex) {
			if (snapshot.kind() == SubscriptionKind.PERSISTENT) {
				throw new InvalidEndpointRequestException(ex.getMessage(), "A persistent subscription cannot be reset");
			}
			throw ex;
		}
		return subscription(id);
	}

	/**
	 * The write actions by name, in the order the 400 lists them; an action is one entry.
	 */
	private Map<String, Action> actions() {
		Map<String, Action> actions = new LinkedHashMap<>();
		actions.put("start", (id, request) -> {
			this.registry.start(id);
			return subscription(id);
		});
		actions.put("stop", (id, request) -> {
			this.registry.stop(id);
			return subscription(id);
		});
		actions.put("restart", (id, request) -> {
			this.registry.restart(id);
			return subscription(id);
		});
		actions.put("reset", (id, request) -> reset(id, request.to()));
		actions.put("parked", this::parkedPage);
		actions.put("replay-parked", (id, request) -> {
			int replayed;
			try {
				replayed = (request.max() != null) ? this.registry.replayParked(id, positive(request.max(), "max"))
						: this.registry.replayParked(id);
			}
			catch (SubscriptionOwnedElsewhereException ex) {
				throw new InvalidEndpointRequestException(ex.getMessage(),
						"Instance '" + ex.getOwner() + "' runs the subscription: replay its parked events there");
			}
			return new ParkedActionDescriptor(id, "replay-parked", replayed, this.registry.parkedCount(id));
		});
		actions.put("purge-parked", (id, request) -> {
			long purged = this.registry.purgeParked(id);
			return new ParkedActionDescriptor(id, "purge-parked", purged, this.registry.parkedCount(id));
		});
		return actions;
	}

	private ParkedDescriptor parkedPage(String id, Request request) {
		int offset = (request.offset() != null) ? request.offset() : 0;
		int limit = (request.limit() != null) ? request.limit() : DEFAULT_LIMIT;
		if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidEndpointRequestException("offset must be 0 or more and limit between 1 and " + MAX_LIMIT
					+ " (got " + offset + " and " + limit + ")", "Invalid offset or limit");
		}
		return new ParkedDescriptor(id, this.registry.parkedCount(id), offset,
				this.registry.parked(id, offset, limit));
	}

	private static int positive(int value, String name) {
		if (value < 1) {
			throw new InvalidEndpointRequestException(name + " must be at least 1 (got " + value + ")",
					"Invalid " + name);
		}
		return value;
	}

	/** One write action. */
	@FunctionalInterface
	private interface Action {

		Object apply(String id, Request request);

	}

	/**
	 * The optional arguments of a write.
	 *
	 * @param to the target of a reset
	 * @param offset how many parked events to pass over
	 * @param limit how many parked events at most
	 * @param max how many parked events to replay at most
	 */
	private record Request(@Nullable String to, @Nullable Integer offset, @Nullable Integer limit, @Nullable Integer max) {
	}

	/**
	 * A page of parked events.
	 *
	 * @param id the subscription id
	 * @param count how many are parked in all
	 * @param offset how many the page passed over
	 * @param parked the page, oldest first
	 */
	public record ParkedDescriptor(String id, long count, int offset, List<ParkedEvent> parked)
			implements OperationResponseBody {

	}

	/**
	 * What a replay or purge of parked events did.
	 *
	 * @param id the subscription id
	 * @param action the action
	 * @param events how many events it took on
	 * @param remaining how many are still parked (a persistent group's replay runs on the server, so its events may
	 * still count)
	 */
	public record ParkedActionDescriptor(String id, String action, long events, long remaining)
			implements OperationResponseBody {

	}

	/**
	 * All subscriptions.
	 *
	 * @param subscriptions one descriptor per subscription
	 */
	public record SubscriptionsDescriptor(List<SubscriptionDescriptor> subscriptions) implements OperationResponseBody {

	}

	/**
	 * One subscription.
	 *
	 * @param id the subscription id
	 * @param kind catch-up or persistent
	 * @param stream the stream or {@code $all}
	 * @param group the persistent group, {@code null} for catch-up
	 * @param state the current state
	 * @param position the last event handled or moved past
	 * @param committed the last stored checkpoint (catch-up)
	 * @param head the last event of the stream when it was last read
	 * @param headReadAt when the head was last read, {@code null} if never
	 * @param headStaleSince since when the head could not be read (the lag is unknown meanwhile), {@code null}
	 * while the last reading succeeded
	 * @param lagEvents events behind the head (approximate for {@code $all}), {@code null} when unknown
	 * @param lagSeconds age of the last handled event while behind, {@code null} when unknown
	 * @param stalled whether the stall watchdog reports it stalled
	 * @param caughtUp whether it caught up once since the application started
	 * @param inFlight events inside a handler
	 * @param handled events handled
	 * @param skipped events skipped
	 * @param failed handler invocations that threw
	 * @param nacked persistent nacks
	 * @param reconnects resubscriptions after drops
	 * @param lastError the last error, {@code null} if none
	 * @param lastErrorAt when it happened
	 * @param concurrency how many events it handles at once
	 * @param unfinished events handed to its partitions and not finished
	 * @param oldestUnfinished the oldest event not finished, {@code null} when none
	 * @param ownership which instance holds the lease and until when, {@code null} when not coordinated
	 * @param segments which instance holds each segment of a coordinated subscription with a concurrency above 1
	 * and until when; empty when it is not split into segments
	 */
	public record SubscriptionDescriptor(String id, SubscriptionKind kind, String stream, String group,
			SubscriptionState state, String position, String committed, String head, Instant headReadAt,
			Instant headStaleSince, Long lagEvents, Double lagSeconds,
			boolean stalled, boolean caughtUp, int inFlight, long handled, long skipped, long failed, long nacked,
			long reconnects, String lastError, Instant lastErrorAt, int concurrency, int unfinished,
			String oldestUnfinished, SubscriptionOwnership ownership,
			List<SegmentOwnership> segments) implements OperationResponseBody {

		static SubscriptionDescriptor of(SubscriptionStatus status) {
			SubscriptionSnapshot snapshot = status.snapshot();
			return new SubscriptionDescriptor(snapshot.id(), snapshot.kind(), snapshot.stream(), snapshot.group(),
					snapshot.state(), text(snapshot.position()), text(snapshot.committed()), text(status.head()),
					status.headReadAt(), status.headStaleSince(), status.lagEvents(), status.lagSeconds(), status.stalled(), status.caughtUpOnce(),
					status.inFlight(), snapshot.handled(), snapshot.skipped(), snapshot.failed(), snapshot.nacked(),
					snapshot.reconnects(), snapshot.lastError(), snapshot.lastErrorAt(), snapshot.concurrency(),
					snapshot.inFlight(), text(snapshot.oldestUnfinished()), snapshot.ownership(), snapshot.segments());
		}

		private static String text(Object value) {
			return (value != null) ? value.toString() : null;
		}

	}

}
