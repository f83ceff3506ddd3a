package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the segments of one subscription out among the instances that run it, by rules every instance applies to
 * what it sees, without a leader: with m live members and N segments, an instance takes a free segment only while it
 * holds fewer than ceil(N / m) and no member holds fewer (a segment nobody renewed for a lease TTL is taken whatever
 * the rules say, so a member that cannot run one never keeps it unowned); the member holding the most (ties: the
 * lowest instance id) hands one over when it holds at least two more than the member holding the fewest. Each step
 * brings the counts closer, and a hand-over waits two renew intervals after the previous one, so the shares settle
 * without flapping: a joining instance gets its share within a few renew intervals per segment it takes.
 * Membership is each instance's heartbeat through the lease store, every renew interval.
 */
final class SegmentBalance implements SegmentGate {

	private static final Logger logger = LoggerFactory.getLogger(SegmentBalance.class);

	private final String subscriptionId;

	private final String instanceId;

	private final LeaseStore leases;

	private final Duration leaseTtl;

	private final Duration renewInterval;

	private final LongSupplier nanoClock;

	private volatile List<CoordinatedSubscriptionContainer> segments = List.of();

	/** The live members as last heard, this instance among them. */
	private volatile Set<String> members;

	private volatile long lastHandOver;

	private volatile boolean heartbeatFailing;

	/** Whether the membership was heard since the start: before, the counts would say this instance is alone. */
	private volatile boolean heard;

	SegmentBalance(String subscriptionId, String instanceId, LeaseStore leases, Duration leaseTtl,
			Duration renewInterval, LongSupplier nanoClock) {
		this.subscriptionId = subscriptionId;
		this.instanceId = instanceId;
		this.leases = leases;
		this.leaseTtl = leaseTtl;
		this.renewInterval = renewInterval;
		this.nanoClock = nanoClock;
		this.members = Set.of(instanceId);
		this.lastHandOver = nanoClock.getAsLong() - renewInterval.multipliedBy(2).toNanos();
	}

	void balance(List<CoordinatedSubscriptionContainer> segments) {
		this.segments = List.copyOf(segments);
	}

	/**
	 * The live members as last heard.
	 * @return their instance ids
	 */
	Set<String> members() {
		return this.members;
	}

	/** One step, every renew interval while the subscription runs here: heartbeat, then hand one over if due. */
	void tick() {
		try {
			this.members = this.leases.heartbeat(this.subscriptionId, this.instanceId, this.leaseTtl);
			this.heard = true;
			if (this.heartbeatFailing) {
				this.heartbeatFailing = false;
				logger.info("Subscription '{}' reaches its lease store again for its membership", this.subscriptionId);
			}
		}
		catch (RuntimeException ex) {
			if (!this.heartbeatFailing) {
				this.heartbeatFailing = true;
				logger.warn("Subscription '{}' could not renew its membership; its segments stay where they are "
						+ "until it can: {}", this.subscriptionId, ex.toString());
			}
			return;
		}
		handOverIfDue();
	}

	/**
	 * Stop taking part: a heartbeat with no time to live, so that the others stop counting this instance at once.
	 * The next start begins alone until it hears from the others.
	 */
	void leave() {
		this.heard = false;
		this.members = Set.of(this.instanceId);
		try {
			this.leases.heartbeat(this.subscriptionId, this.instanceId, Duration.ZERO);
		}
		catch (RuntimeException ex) {
			logger.debug("Subscription '{}' could not say it left; the others count it until its membership expires",
					this.subscriptionId, ex);
		}
	}

	@Override
	public boolean mayAcquire() {
		if (!this.heard) {
			return false;
		}
		Map<String, Integer> counts = counts();
		int mine = counts.get(this.instanceId);
		int fewest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
		return mine < share(counts.size()) && mine <= fewest;
	}

	private int share(int memberCount) {
		int total = this.segments.size();
		return (total + memberCount - 1) / memberCount;
	}

	/** How many segments each live member holds, as this instance sees it; members without any hold 0. */
	private Map<String, Integer> counts() {
		Map<String, Integer> counts = new HashMap<>();
		Set<String> live = this.members;
		live.forEach((member) -> counts.put(member, 0));
		counts.put(this.instanceId, 0);
		for (CoordinatedSubscriptionContainer segment : this.segments) {
			String owner = segment.ownerNow();
			if (owner != null && counts.containsKey(owner)) {
				counts.merge(owner, 1, Integer::sum);
			}
		}
		return counts;
	}

	private void handOverIfDue() {
		long now = this.nanoClock.getAsLong();
		if (now - this.lastHandOver < this.renewInterval.multipliedBy(2).toNanos()) {
			// Let the previous hand-over be taken and seen before judging the counts again.
			return;
		}
		Map<String, Integer> counts = counts();
		int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
		int fewest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
		String mostHolder = new TreeSet<>(counts.keySet()).stream()
			.filter((member) -> counts.get(member) == most)
			.findFirst()
			.orElse(this.instanceId);
		if (most - fewest < 2 || !mostHolder.equals(this.instanceId)) {
			return;
		}
		for (int i = this.segments.size() - 1; i >= 0; i--) {
			CoordinatedSubscriptionContainer segment = this.segments.get(i);
			if (segment.holds()) {
				logger.info("Subscription '{}' hands segment {} over: this instance holds {} segments, another {} "
						+ "(members: {})", this.subscriptionId, i, most, fewest, counts.keySet());
				this.lastHandOver = now;
				segment.handOver();
				return;
			}
		}
	}

}
