package io.github.esdb.autoconfigure.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.kurrent.dbclient.PersistentSubscriptionInfo;
import io.kurrent.dbclient.PersistentSubscriptionStats;
import io.kurrent.dbclient.PersistentSubscriptionToAllStats;
import io.kurrent.dbclient.PersistentSubscriptionToStreamStats;
import io.kurrent.dbclient.Position;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.observability.FixedDelayPoller;
import io.github.esdb.observability.SubscriptionMonitor;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionKind;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;

/**
 * The server's own statistics of each persistent subscription group this application consumes, read on a scheduler
 * at a fixed interval (one info call per group) and exposed as gauges: parked, in flight, outstanding, connections and
 * the distance between the last known and the last checkpointed event.
 */
public class PersistentSubscriptionStatsMetrics implements SubscriptionMonitor.Listener, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PersistentSubscriptionStatsMetrics.class);

	private final MeterRegistry registry;

	// Asked on every reading, so that the statistics come back once a client that shut itself down is replaced.
	private final KurrentDBClientProvider clients;

	private final Duration interval;

	private final Map<String, Group> groups = new ConcurrentHashMap<>();

	private final FixedDelayPoller poller;

	/**
	 * Create the poller.
	 * @param registry where to register the gauges
	 * @param clients supplies the persistent subscriptions client, on each reading
	 * @param interval how often to read the statistics
	 */
	public PersistentSubscriptionStatsMetrics(MeterRegistry registry, KurrentDBClientProvider clients,
			Duration interval) {
		this.registry = registry;
		this.clients = clients;
		this.interval = interval;
		this.poller = new FixedDelayPoller("esdb-persistent-stats", interval, interval, this::poll);
	}

	/**
	 * The last statistics read for a group.
	 *
	 * @param parked events in the group's parked stream
	 * @param inFlight events sent to consumers and not acknowledged yet
	 * @param outstanding events the server is waiting on
	 * @param connections consumers connected to the group
	 * @param checkpointLag last known event minus last checkpointed event: revisions for a stream, commit-position
	 * distance for {@code $all}; NaN when the server did not say
	 */
	public record Stats(double parked, double inFlight, double outstanding, double connections,
			double checkpointLag) {

	}

	/**
	 * The last statistics read for a subscription's group.
	 * @param subscriptionId the subscription id
	 * @return the statistics, empty if not read yet
	 */
	public Optional<Stats> stats(String subscriptionId) {
		return Optional.ofNullable(this.groups.get(subscriptionId)).map((group) -> group.stats);
	}

	@Override
	public void subscriptionAdded(SubscriptionSnapshot snapshot) {
		if (snapshot.kind() != SubscriptionKind.PERSISTENT) {
			return;
		}
		Group group = new Group(snapshot.stream(), snapshot.group());
		Tags tags = Tags.of("subscription", snapshot.id(), "stream", snapshot.stream(), "group", snapshot.group());
		group.meters.add(gauge("esdb.persistent.parked", "Events in the group's parked stream", tags, group,
				Stats::parked));
		group.meters.add(gauge("esdb.persistent.in.flight", "Events sent to the group's consumers and not acked yet",
				tags, group, Stats::inFlight));
		group.meters.add(gauge("esdb.persistent.outstanding", "Events the server is waiting on for the group", tags,
				group, Stats::outstanding));
		group.meters.add(gauge("esdb.persistent.connections", "Consumers connected to the group", tags, group,
				Stats::connections));
		if (SubscriptionEndpoint.ALL.equals(snapshot.stream())) {
			// $all positions are log positions (byte offsets on a real node), not events: named for what it is.
			group.meters.add(gauge("esdb.persistent.checkpoint.distance",
					"Commit position of the group's last known event minus that of its last checkpointed event "
							+ "(log positions, not a count of events)",
					tags, group, Stats::checkpointLag));
		}
		else {
			group.meters.add(gauge("esdb.persistent.checkpoint.lag",
					"Last known event minus last checkpointed event of the group, in events (stream revisions)", tags,
					group, Stats::checkpointLag));
		}
		Group previous = this.groups.put(snapshot.id(), group);
		if (previous != null) {
			previous.meters.stream().filter((meter) -> !group.meters.contains(meter)).forEach(this.registry::remove);
		}
		// Read at once rather than an interval later, so that a fresh group does not show NaN for long.
		this.poller.execute(() -> read(group));
	}

	@Override
	public void subscriptionRemoved(String id) {
		Group group = this.groups.remove(id);
		if (group != null) {
			group.meters.forEach(this.registry::remove);
		}
	}

	private Gauge gauge(String name, String description, Tags tags, Group group, ToDoubleFunction<Stats> value) {
		return Gauge.builder(name, group, (g) -> (g.stats != null) ? value.applyAsDouble(g.stats) : Double.NaN)
			.description(description)
			.tags(tags)
			.register(this.registry);
	}

	/**
	 * Read the statistics of all groups now.
	 */
	public void poll() {
		this.groups.values().forEach(this::read);
	}

	private void read(Group group) {
		long timeout = Math.max(1000, Math.min(this.interval.toMillis(), 10_000));
		try {
			Optional<? extends PersistentSubscriptionInfo> info;
			PersistentSubscriptionStats stats;
			double checkpointLag;
			if (SubscriptionEndpoint.ALL.equals(group.stream)) {
				var all = this.clients.persistentSubscriptions()
					.getInfoToAll(group.group)
					.get(timeout, TimeUnit.MILLISECONDS);
				info = all;
				PersistentSubscriptionToAllStats allStats = all.map((i) -> i.getStats()).orElse(null);
				stats = allStats;
				checkpointLag = (allStats != null) ? distance(allStats.getLastKnownEventPosition(),
						allStats.getLastCheckpointedEventPosition()) : Double.NaN;
			}
			else {
				var stream = this.clients.persistentSubscriptions().getInfoToStream(group.stream, group.group)
					.get(timeout, TimeUnit.MILLISECONDS);
				info = stream;
				PersistentSubscriptionToStreamStats streamStats = stream.map((i) -> i.getStats()).orElse(null);
				stats = streamStats;
				checkpointLag = (streamStats != null) ? revisions(streamStats.getLastKnownEventRevision(),
						streamStats.getLastCheckpointedEventRevision()) : Double.NaN;
			}
			if (info.isEmpty() || stats == null) {
				group.stats = null;
				return;
			}
			group.stats = new Stats(stats.getParkedMessageCount(), stats.getTotalInFlightMessages(),
					stats.getOutstandingMessagesCount(), info.get().getConnections().size(), checkpointLag);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// Keep the last reading: a gap in the server's answers is not a change in the group.
			logger.debug("Could not read the statistics of group '{}' of '{}': {}", group.group, group.stream,
					ex.toString());
		}
	}

	private static double revisions(Optional<Long> known, Optional<Long> checkpointed) {
		if (known.isEmpty()) {
			return 0;
		}
		return known.get() - checkpointed.map((revision) -> revision).orElse(-1L);
	}

	private static double distance(Optional<Position> known, Optional<Position> checkpointed) {
		if (known.isEmpty()) {
			return 0;
		}
		return known.get().getCommitUnsigned() - checkpointed.map(Position::getCommitUnsigned).orElse(0L);
	}

	@Override
	public void start() {
		this.poller.start();
	}

	@Override
	public void stop() {
		this.poller.stop();
	}

	@Override
	public boolean isRunning() {
		return this.poller.isRunning();
	}

	/**
	 * Starts before the subscription monitor, which announces the groups to it.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return SubscriptionRegistry.PHASE - 2;
	}

	/** One group and its last reading. */
	private static final class Group {

		final String stream;

		final String group;

		final List<Meter> meters = new ArrayList<>();

		volatile Stats stats;

		Group(String stream, String group) {
			this.stream = stream;
			this.group = group;
		}

	}

}
