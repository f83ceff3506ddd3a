package io.github.esdb.autoconfigure.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.observability.SubscriptionStatus;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Per-subscription meters: event outcomes counted from the observer callbacks, and gauges (reconnects, in flight,
 * position, checkpoint, lag, state, stalled) read from the {@link SubscriptionMonitor} when scraped. The handler
 * timer is not here: it comes from the handler observation ({@code esdb.subscription.handler}).
 */
public class SubscriptionMetrics implements SubscriptionObserver, SubscriptionMonitor.Listener {

	/** Tag value for meters that have no nack action. */
	static final String NONE = "none";

	private final MeterRegistry registry;

	private final SubscriptionMonitor monitor;

	private final Map<String, List<Meter>> gauges = new ConcurrentHashMap<>();

	/** The event counters of each subscription, built once: building one per event cost 9% of a catch-up. */
	private final Map<String, EventCounters> counters = new ConcurrentHashMap<>();

	/**
	 * Create the meters.
	 * @param registry where to register them
	 * @param monitor where the gauges read from
	 */
	public SubscriptionMetrics(MeterRegistry registry, SubscriptionMonitor monitor) {
		this.registry = registry;
		this.monitor = monitor;
	}

	@Override
	public boolean usesHandlerDuration() {
		// The handler timer comes from the handler observation (esdb.subscription.handler), not from here.
		return false;
	}

	@Override
	public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
		countersOf(subscriptionId).handled.increment();
	}

	@Override
	public void eventSkipped(String subscriptionId, EventContext event, String reason) {
		countersOf(subscriptionId).skipped.increment();
	}

	@Override
	public void eventFailed(String subscriptionId, EventContext event, Throwable error) {
		countersOf(subscriptionId).failed.increment();
	}

	@Override
	public void eventNacked(String subscriptionId, EventContext event, NackException.Action action, String reason) {
		countersOf(subscriptionId).nacked(action).increment();
	}

	private EventCounters countersOf(String subscriptionId) {
		EventCounters cached = this.counters.get(subscriptionId);
		return (cached != null) ? cached
				: this.counters.computeIfAbsent(subscriptionId, (id) -> new EventCounters(tags(id)));
	}

	private Counter counter(Tags tags, String outcome, String action) {
		return Counter.builder("esdb.subscription.events")
			.description("Events delivered to a subscription, by outcome (nacked by action)")
			.tags(tags)
			.tag("outcome", outcome)
			.tag("action", action)
			.register(this.registry);
	}

	/** One subscription's event counters; the nacked ones by action, built on the first nack of each. */
	private final class EventCounters {

		final Tags tags;

		final Counter handled;

		final Counter skipped;

		final Counter failed;

		private final Map<NackException.Action, Counter> nacked = new ConcurrentHashMap<>();

		EventCounters(Tags tags) {
			this.tags = tags;
			this.handled = counter(tags, "handled", NONE);
			this.skipped = counter(tags, "skipped", NONE);
			this.failed = counter(tags, "failed", NONE);
		}

		Counter nacked(NackException.Action action) {
			return this.nacked.computeIfAbsent(action,
					(key) -> counter(this.tags, "nacked", key.name().toLowerCase(Locale.ROOT)));
		}

	}

	private Tags tags(String subscriptionId) {
		String kind = this.monitor.kind(subscriptionId).map(SubscriptionMetrics::kind).orElse("unknown");
		return Tags.of("subscription", subscriptionId, "kind", kind);
	}

	static String kind(SubscriptionKind kind) {
		return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public void subscriptionAdded(SubscriptionSnapshot snapshot) {
		String id = snapshot.id();
		// Its kind may differ from a subscription of the same id before it.
		this.counters.remove(id);
		Tags tags = Tags.of("subscription", id, "kind", kind(snapshot.kind()));
		List<Meter> meters = new ArrayList<>();
		meters.add(FunctionCounter
			.builder("esdb.subscription.reconnects", this.monitor,
					(monitor) -> value(monitor, id, (status) -> status.snapshot().reconnects()))
			.description("Resubscriptions after the subscription dropped")
			.tags(tags)
			.register(this.registry));
		meters.add(gauge("esdb.subscription.in.flight", "Events inside a handler right now", tags, id,
				SubscriptionStatus::inFlight, null));
		meters.add(gauge("esdb.subscription.concurrency", "How many events the subscription handles at once", tags,
				id, (status) -> status.snapshot().concurrency(), null));
		meters.add(gauge("esdb.subscription.unfinished",
				"Events handed to the subscription's partitions and not finished (0 when it handles one at a time)",
				tags, id, (status) -> status.snapshot().inFlight(), null));
		meters.add(gauge("esdb.subscription.position",
				"Last event handled or moved past: stream revision, or $all commit position", tags, id,
				(status) -> number(status.snapshot().position()), null));
		meters.add(gauge("esdb.subscription.checkpoint",
				"Last stored checkpoint of a catch-up subscription: stream revision, or $all commit position", tags, id,
				(status) -> number(status.snapshot().committed()), null));
		meters.add(gauge("esdb.subscription.lag.events",
				"Events behind the head: stream revisions, or the $all commit-position distance (approximate)", tags,
				id, (status) -> (status.lagEvents() != null) ? status.lagEvents() : Double.NaN, null));
		meters.add(gauge("esdb.subscription.lag.seconds", "Age of the last handled event while behind, 0 when not",
				tags, id, (status) -> (status.lagSeconds() != null) ? status.lagSeconds() : Double.NaN, "seconds"));
		meters.add(gauge("esdb.subscription.stalled", "1 when the stall watchdog reports the subscription stalled",
				tags, id, (status) -> status.stalled() ? 1 : 0, null));
		for (SubscriptionState state : SubscriptionState.values()) {
			meters.add(gauge("esdb.subscription.state", "1 for the state the subscription is in, 0 for the others",
					tags.and("state", state.name().toLowerCase(Locale.ROOT).replace('_', '-')), id,
					(status) -> (status.snapshot().state() == state) ? 1 : 0, null));
		}
		List<Meter> previous = this.gauges.put(id, meters);
		if (previous != null) {
			previous.stream().filter((meter) -> !meters.contains(meter)).forEach(this.registry::remove);
		}
	}

	@Override
	public void subscriptionRemoved(String id) {
		this.counters.remove(id);
		List<Meter> meters = this.gauges.remove(id);
		if (meters != null) {
			meters.forEach(this.registry::remove);
		}
	}

	private Gauge gauge(String name, String description, Tags tags, String id,
			ToDoubleFunction<SubscriptionStatus> value, String unit) {
		return Gauge.builder(name, this.monitor, (monitor) -> value(monitor, id, value))
			.description(description)
			.tags(tags)
			.baseUnit(unit)
			.register(this.registry);
	}

	private static double value(SubscriptionMonitor monitor, String id, ToDoubleFunction<SubscriptionStatus> value) {
		return monitor.status(id).map(value::applyAsDouble).orElse(Double.NaN);
	}

	private static double number(Checkpoint checkpoint) {
		if (checkpoint == null) {
			return Double.NaN;
		}
		return checkpoint.isPosition() ? checkpoint.position().commit() : checkpoint.revision();
	}

}
