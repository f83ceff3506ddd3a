package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WrongExpectedVersionException;
import org.jspecify.annotations.Nullable;

import io.github.esdb.connection.ClientCalls;
import io.github.esdb.serialization.EventSerializer;

/**
 * Keeps each subscription's lease as events in the stream {@code <prefix><id>} (by default
 * {@code $esdb-lease-<id>}): every acquisition, renewal and release appends one event, with the revision the writer
 * read as the expected revision, so of two instances racing for a lease exactly one wins. Expiry is decided by
 * observation, not by clocks: an instance considers a lease expired once it has seen the stream unchanged for the
 * lease's TTL on its own monotonic clock (as Kubernetes leader election does). The owner, for its part, acts on its
 * lease only until the time its last renewal was sent plus the TTL, less a safety margin; so it stops before any other
 * instance can see the lease as expired, whatever the wall clocks say. The stream is capped ({@code $maxCount}).
 * <p>
 * Checkpoint writes cannot be made conditional on another stream's revision: they are fenced by the owner's local
 * deadline only. A checkpoint write already on the wire when the lease runs out may land after a takeover; it holds
 * a position the old owner handled, so the next owner at worst handles some events again, never skips one.
 */
public class KurrentDBLeaseStore implements LeaseStore {

	/** The type of lease events. */
	public static final String EVENT_TYPE = "$esdb-lease";

	/** The type of membership heartbeats of segmented subscriptions. */
	public static final String MEMBER_EVENT_TYPE = "$esdb-member";

	private static final long MAX_COUNT = 5;

	/** Enough heartbeats to see every member of a group within a TTL (three per member at the shortest interval). */
	private static final int MEMBERS_MAX_COUNT = 300;

	private final Supplier<KurrentDBClient> client;

	private final EventSerializer serializer;

	private final String streamPrefix;

	private final Duration timeout;

	private final LongSupplier nanoClock;

	/** When this instance first saw each lease stream at its last revision. */
	private final Map<String, Observed> observed = new ConcurrentHashMap<>();

	/** The revision of the last event this instance appended to each lease stream it holds. */
	private final Map<String, Long> written = new ConcurrentHashMap<>();

	private final Set<String> cappedStreams = ConcurrentHashMap.newKeySet();

	/** Per segmented subscription, when this instance first saw each member's newest heartbeat. */
	private final Map<String, Map<String, Observed>> members = new ConcurrentHashMap<>();

	/**
	 * Create the store.
	 * @param client supplies a working client, asked on each read and write
	 * @param serializer writes and reads the JSON
	 * @param streamPrefix the lease streams' prefix, {@code $esdb-lease-} by default
	 * @param timeout how long a read or write may take
	 */
	public KurrentDBLeaseStore(Supplier<KurrentDBClient> client, EventSerializer serializer, String streamPrefix,
			Duration timeout) {
		this(client, serializer, streamPrefix, timeout, System::nanoTime);
	}

	KurrentDBLeaseStore(Supplier<KurrentDBClient> client, EventSerializer serializer, String streamPrefix,
			Duration timeout, LongSupplier nanoClock) {
		this.client = client;
		this.serializer = serializer;
		this.streamPrefix = streamPrefix;
		this.timeout = timeout;
		this.nanoClock = nanoClock;
	}

	@Override
	public String mode() {
		return "kurrentdb";
	}

	/**
	 * The stream holding a subscription's lease.
	 * @param leaseId the subscription id
	 * @return the stream name
	 */
	public String streamOf(String leaseId) {
		return this.streamPrefix + leaseId;
	}

	/** The last lease event and its revision. */
	private record Last(long revision, SubscriptionLease lease, long ttlMillis, boolean released) {
	}

	/** A revision and when this instance first saw it. */
	private record Observed(long revision, long seenAtNanos) {
	}

	private @Nullable Last readLast(String leaseId) {
		try {
			ReadResult result = await(this.client.get()
				.readStream(streamOf(leaseId), ReadStreamOptions.get().backwards().fromEnd().maxCount(1)));
			if (result.getEvents().isEmpty()) {
				return null;
			}
			ResolvedEvent event = result.getEvents().get(0);
			Map<String, Object> fields = this.serializer.readMetadata(event.getOriginalEvent().getEventData());
			SubscriptionLease lease = new SubscriptionLease(leaseId, String.valueOf(fields.get("owner")),
					((Number) fields.get("epoch")).longValue(),
					Instant.ofEpochMilli(((Number) fields.get("expiresAt")).longValue()));
			return new Last(event.getOriginalEvent().getRevision(), lease,
					((Number) fields.get("ttlMillis")).longValue(), Boolean.TRUE.equals(fields.get("released")));
		}
		catch (StreamNotFoundException ex) {
			return null;
		}
	}

	@Override
	public Optional<SubscriptionLease> tryAcquire(String leaseId, String owner, Duration ttl) {
		Last last = readLast(leaseId);
		long now = this.nanoClock.getAsLong();
		long epoch = 1;
		StreamState expected = StreamState.noStream();
		if (last != null) {
			Observed seen = observe(leaseId, last, now);
			boolean expired = last.released()
					|| now - seen.seenAtNanos() >= TimeUnit.MILLISECONDS.toNanos(last.ttlMillis());
			if (!expired) {
				return Optional.empty();
			}
			epoch = last.lease().epoch() + 1;
			expected = StreamState.streamRevision(last.revision());
		}
		SubscriptionLease lease = new SubscriptionLease(leaseId, owner, epoch, Instant.now().plus(ttl));
		return append(lease, ttl, false, expected) ? Optional.of(lease) : Optional.empty();
	}

	@Override
	public Optional<SubscriptionLease> renew(SubscriptionLease lease, Duration ttl) {
		Long revision = this.written.get(lease.subscriptionId());
		if (revision == null) {
			return Optional.empty();
		}
		SubscriptionLease renewed = new SubscriptionLease(lease.subscriptionId(), lease.owner(), lease.epoch(),
				Instant.now().plus(ttl));
		return append(renewed, ttl, false, StreamState.streamRevision(revision)) ? Optional.of(renewed)
				: Optional.empty();
	}

	@Override
	public void release(SubscriptionLease lease) {
		Long revision = this.written.get(lease.subscriptionId());
		if (revision != null) {
			append(new SubscriptionLease(lease.subscriptionId(), lease.owner(), lease.epoch(), Instant.now()),
					Duration.ZERO, true, StreamState.streamRevision(revision));
			this.written.remove(lease.subscriptionId());
		}
	}

	/** When this instance first saw the lease stream at its last revision: the start of its observation. */
	private Observed observe(String leaseId, Last last, long now) {
		return this.observed.compute(leaseId, (id, before) -> (before != null && before.revision() == last.revision())
				? before : new Observed(last.revision(), now));
	}

	/**
	 * Also an observation: a segment that only looks at a lease (while the balancing leaves it to another instance)
	 * has been counting its time unchanged when it comes to acquire it.
	 */
	@Override
	public Optional<SubscriptionLease> current(String leaseId) {
		Last last = readLast(leaseId);
		if (last != null) {
			observe(leaseId, last, this.nanoClock.getAsLong());
		}
		return (last == null || last.released()) ? Optional.empty() : Optional.of(last.lease());
	}

	/**
	 * Members append an event naming themselves to the stream {@code <prefix><group>/members} (capped) at each
	 * heartbeat. A member is live while this instance saw a new heartbeat of it within the TTL on its own monotonic
	 * clock: by observation, like lease expiry; one first seen now counts as live for a TTL.
	 */
	@Override
	public Set<String> heartbeat(String groupId, String member, Duration ttl) {
		String stream = streamOf(groupId + "/members");
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("member", member);
		fields.put("ttlMillis", ttl.toMillis());
		EventData event = EventData.builderAsJson(MEMBER_EVENT_TYPE, this.serializer.writeMetadata(fields)).build();
		await(this.client.get().appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.any()),
				event));
		cap(stream, MEMBERS_MAX_COUNT);
		List<ResolvedEvent> events;
		try {
			events = await(this.client.get()
				.readStream(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(MEMBERS_MAX_COUNT)))
				.getEvents();
		}
		catch (StreamNotFoundException ex) {
			events = List.of();
		}
		long now = this.nanoClock.getAsLong();
		Map<String, Observed> seen = this.members.computeIfAbsent(groupId, (id) -> new ConcurrentHashMap<>());
		Map<String, Long> ttls = new HashMap<>();
		for (ResolvedEvent each : events) {
			Map<String, Object> heartbeat = this.serializer.readMetadata(each.getOriginalEvent().getEventData());
			String name = String.valueOf(heartbeat.get("member"));
			long revision = each.getOriginalEvent().getRevision();
			if (ttls.putIfAbsent(name, ((Number) heartbeat.get("ttlMillis")).longValue()) == null) {
				// The newest heartbeat of that member (the read goes backwards).
				seen.compute(name, (key, before) -> (before != null && before.revision() >= revision) ? before
						: new Observed(revision, now));
			}
		}
		Set<String> live = new TreeSet<>();
		seen.forEach((name, observed) -> {
			long ttlMillis = ttls.getOrDefault(name, ttl.toMillis());
			if (now - observed.seenAtNanos() < TimeUnit.MILLISECONDS.toNanos(ttlMillis)) {
				live.add(name);
			}
		});
		live.add(member);
		return live;
	}

	/**
	 * Append a lease event if the stream is where this instance expects it.
	 * @return false when another instance wrote first
	 */
	private boolean append(SubscriptionLease lease, Duration ttl, boolean released, StreamState expected) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("owner", lease.owner());
		fields.put("epoch", lease.epoch());
		fields.put("ttlMillis", ttl.toMillis());
		fields.put("expiresAt", lease.expiresAt().toEpochMilli());
		fields.put("released", released);
		EventData event = EventData.builderAsJson(EVENT_TYPE, this.serializer.writeMetadata(fields)).build();
		String stream = streamOf(lease.subscriptionId());
		try {
			long revision = await(this.client.get()
				.appendToStream(stream, AppendToStreamOptions.get().streamState(expected), event))
				.getNextExpectedRevision()
				.toRawLong();
			this.written.put(lease.subscriptionId(), revision);
		}
		catch (WrongExpectedVersionException ex) {
			this.written.remove(lease.subscriptionId());
			return false;
		}
		// Only the last event matters; the stream would otherwise grow with every renewal.
		cap(stream, MAX_COUNT);
		return true;
	}

	private void cap(String stream, long maxCount) {
		if (this.cappedStreams.add(stream)) {
			try {
				await(ClientCalls.capStream(this.client.get(), stream, maxCount));
			}
			catch (RuntimeException ex) {
				this.cappedStreams.remove(stream);
			}
		}
	}

	private <T> T await(CompletableFuture<T> future) {
		return ClientCalls.await(future, this.timeout, "a lease");
	}

}
