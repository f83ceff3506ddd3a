package io.github.esdb.autoconfigure.endpoint;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The {@code esdbsubscriptions} actuator endpoint: reads list every subscription (or one by id) with its state,
 * position and lag; a write starts, stops, restarts or resets one by id
 * ({@code POST /actuator/esdbsubscriptions/{id}} with {@code {"action": "stop"}}, or
 * {@code {"action": "reset", "to": "start"}}). It is exposed and secured like any other endpoint; set
 * {@code management.endpoint.esdbsubscriptions.access=read-only} to allow the reads only.
 */
@Endpoint(id = "esdbsubscriptions")
public class SubscriptionsEndpoint {

	private final SubscriptionRegistry registry;

	private final SubscriptionMonitor monitor;

	/**
	 * Create the endpoint.
	 * @param registry the subscriptions to operate on
	 * @param monitor where lag and stall status come from
	 */
	public SubscriptionsEndpoint(SubscriptionRegistry registry, SubscriptionMonitor monitor) {
		this.registry = registry;
		this.monitor = monitor;
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
	 * Start, stop or restart one subscription, as {@link #operate(String, String, String)} without a reset target.
	 * @param id the subscription id
	 * @param action {@code start}, {@code stop} or {@code restart}
	 * @return the subscription after the operation, or {@code null} if there is no such subscription
	 */
	public SubscriptionDescriptor operate(String id, String action) {
		return operate(id, action, null);
	}

	/**
	 * Start, stop, restart or reset one subscription. A stop waits for the in-flight handler up to
	 * {@code esdb.subscriptions.shutdown-timeout}; a start of a FAILED subscription resumes at the event that failed.
	 * @param id the subscription id
	 * @param action {@code start}, {@code stop}, {@code restart} or {@code reset}
	 * @param to the target of a reset, see {@link #reset}
	 * @return the subscription after the operation, or {@code null} (404) if there is no such subscription
	 */
	@WriteOperation
	public SubscriptionDescriptor operate(@Selector String id, String action, @Nullable String to) {
		Action parsed = Action.parse(action);
		if (this.registry.snapshot(id).isEmpty()) {
			return null;
		}
		switch (parsed) {
			case START -> this.registry.start(id);
			case STOP -> this.registry.stop(id);
			case RESTART -> this.registry.restart(id);
			case RESET -> {
				return reset(id, to);
			}
		}
		return subscription(id);
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
	 * or for a persistent subscription
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
		catch (IllegalStateException ex) {
			if (snapshot.kind() == SubscriptionKind.PERSISTENT) {
				throw new InvalidEndpointRequestException(ex.getMessage(), "A persistent subscription cannot be reset");
			}
			throw ex;
		}
		return subscription(id);
	}

	/** The write operations. */
	enum Action {

		START, STOP, RESTART, RESET;

		static Action parse(String action) {
			if (action != null) {
				for (Action candidate : values()) {
					if (candidate.name().equalsIgnoreCase(action.trim())) {
						return candidate;
					}
				}
			}
			throw new InvalidEndpointRequestException("Unknown action '" + action + "'; use start, stop, restart or reset",
					"Unknown action");
		}

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
	 */
	public record SubscriptionDescriptor(String id, SubscriptionKind kind, String stream, String group,
			SubscriptionState state, String position, String committed, String head, Instant headReadAt,
			Instant headStaleSince, Long lagEvents, Double lagSeconds,
			boolean stalled, boolean caughtUp, int inFlight, long handled, long skipped, long failed, long nacked,
			long reconnects, String lastError, Instant lastErrorAt, int concurrency, int unfinished,
			String oldestUnfinished) implements OperationResponseBody {

		static SubscriptionDescriptor of(SubscriptionStatus status) {
			SubscriptionSnapshot snapshot = status.snapshot();
			return new SubscriptionDescriptor(snapshot.id(), snapshot.kind(), snapshot.stream(), snapshot.group(),
					snapshot.state(), text(snapshot.position()), text(snapshot.committed()), text(status.head()),
					status.headReadAt(), status.headStaleSince(), status.lagEvents(), status.lagSeconds(), status.stalled(), status.caughtUpOnce(),
					status.inFlight(), snapshot.handled(), snapshot.skipped(), snapshot.failed(), snapshot.nacked(),
					snapshot.reconnects(), snapshot.lastError(), snapshot.lastErrorAt(), snapshot.concurrency(),
					snapshot.inFlight(), text(snapshot.oldestUnfinished()));
		}

		private static String text(Object value) {
			return (value != null) ? value.toString() : null;
		}

	}

}
