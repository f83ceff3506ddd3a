package io.github.esdb.embedded.projections;

import java.util.HashSet;
import java.util.Set;

/**
 * The running state of one system projection. Guarded by the store's write lock (every change happens inside a
 * commit or {@code EventStore.writeDerived}); statistics read the volatile fields without it.
 */
final class SystemProjection {

	final StandardProjection kind;

	volatile boolean running;

	/** The log position of the last record it processed; 0 before the first. */
	volatile long lastPosition;

	volatile long processed;

	/** The projection's version; a reset raises it, and the epoch with it, like on the real node. */
	volatile int version = 1;

	volatile int epoch = -1;

	/** The streams it wrote to, and those written before the last reset that get truncated on their next link. */
	final Set<String> outputStreams = new HashSet<>();

	final Set<String> staleStreams = new HashSet<>();

	SystemProjection(StandardProjection kind, boolean running) {
		this.kind = kind;
		this.running = running;
	}

	/** {@code "<id>:<epoch>:<version>:<subsystem version>"}, the {@code $v} entry of what it writes. */
	String versionTag() {
		return this.kind.id() + ":" + this.epoch + ":" + this.version + ":" + SystemProjections.SUBSYSTEM_VERSION;
	}

}
