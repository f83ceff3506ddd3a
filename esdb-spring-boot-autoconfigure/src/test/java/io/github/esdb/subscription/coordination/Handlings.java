package io.github.esdb.subscription.coordination;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the handlers of every replica did, with the replica and the start and end of each call: shared by the
 * application contexts of one test as a file of results would be.
 */
final class Handlings {

	/** One handler call. */
	record Handling(String replica, long revision, long startNanos, long endNanos) {
	}

	final List<Handling> all = new CopyOnWriteArrayList<>();

	void add(String replica, long revision, long startNanos) {
		this.all.add(new Handling(replica, revision, startNanos, System.nanoTime()));
	}

	long count() {
		return this.all.size();
	}

	List<Long> revisionsOf(String replica) {
		return this.all.stream().filter((h) -> h.replica().equals(replica)).map(Handling::revision).toList();
	}

	Map<Long, Integer> timesHandled() {
		Map<Long, Integer> times = new TreeMap<>();
		this.all.forEach((h) -> times.merge(h.revision(), 1, Integer::sum));
		return times;
	}

	/** No handler call of one replica overlaps one of another replica. */
	void assertNoOverlapAcrossReplicas() {
		List<Handling> calls = new ArrayList<>(this.all);
		for (Handling one : calls) {
			for (Handling other : calls) {
				if (!one.replica().equals(other.replica())) {
					boolean overlap = one.startNanos() < other.endNanos() && other.startNanos() < one.endNanos();
					assertThat(overlap).as("%s overlaps %s", one, other).isFalse();
				}
			}
		}
	}

}
