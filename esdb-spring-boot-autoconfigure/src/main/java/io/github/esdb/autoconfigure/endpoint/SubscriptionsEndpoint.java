package io.github.esdb.autoconfigure.endpoint;

import java.time.Instant;
import java.util.List;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionOwnership;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The {@code esdbsubscriptions} actuator endpoint: reads list every subscription (or one by id) with its state,
 * position and lag; a write starts, stops or restarts one by id ({@code POST /actuator/esdbsubscriptions/{id}} with
 * {@code {"action": "stop"}}). It is exposed and secured like any other endpoint; set
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
	 * Start, stop or restart one subscription. A stop waits for the in-flight handler up to
	 * {@code esdb.subscriptions.shutdown-timeout}; a start of a FAILED subscription resumes at the event that failed.
	 * @param id the subscription id
	 * @param action {@code start}, {@code stop} or {@code restart}
	 * @return the subscription after the operation, or {@code null} (404) if there is no such subscription
	 */
	@WriteOperation
	public SubscriptionDescriptor operate(@Selector String id, String action) {
		Action parsed = Action.parse(action);
		if (this.registry.snapshot(id).isEmpty()) {
			return null;
		}
		switch (parsed) {
			case START -> this.registry.start(id);
			case STOP -> this.registry.stop(id);
			case RESTART -> this.registry.restart(id);
		}
		return subscription(id);
	}

	/** The write operations. */
	enum Action {

		START, STOP, RESTART;

		static Action parse(String action) {
			if (action != null) {
				for (Action candidate : values()) {
					if (candidate.name().equalsIgnoreCase(action.trim())) {
						return candidate;
					}
				}
			}
			throw new InvalidEndpointRequestException("Unknown action '" + action + "'; use start, stop or restart",
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
	 * @param ownership which instance holds the lease and until when, {@code null} when not coordinated
	 */
	public record SubscriptionDescriptor(String id, SubscriptionKind kind, String stream, String group,
			SubscriptionState state, String position, String committed, String head, Instant headReadAt,
			Instant headStaleSince, Long lagEvents, Double lagSeconds,
			boolean stalled, boolean caughtUp, int inFlight, long handled, long skipped, long failed, long nacked,
			long reconnects, String lastError, Instant lastErrorAt, int concurrency, int unfinished,
			String oldestUnfinished, SubscriptionOwnership ownership) implements OperationResponseBody {

		static SubscriptionDescriptor of(SubscriptionStatus status) {
			SubscriptionSnapshot snapshot = status.snapshot();
			return new SubscriptionDescriptor(snapshot.id(), snapshot.kind(), snapshot.stream(), snapshot.group(),
					snapshot.state(), text(snapshot.position()), text(snapshot.committed()), text(status.head()),
					status.headReadAt(), status.headStaleSince(), status.lagEvents(), status.lagSeconds(), status.stalled(), status.caughtUpOnce(),
					status.inFlight(), snapshot.handled(), snapshot.skipped(), snapshot.failed(), snapshot.nacked(),
					snapshot.reconnects(), snapshot.lastError(), snapshot.lastErrorAt(), snapshot.concurrency(),
					snapshot.inFlight(), text(snapshot.oldestUnfinished()), snapshot.ownership());
		}

		private static String text(Object value) {
			return (value != null) ? value.toString() : null;
		}

	}

}
