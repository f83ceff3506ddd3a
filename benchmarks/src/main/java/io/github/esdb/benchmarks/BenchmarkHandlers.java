package io.github.esdb.benchmarks;

import io.github.esdb.subscription.EventSubscription;

/**
 * The starter's side of the delivery benchmarks: annotated handlers that do no more than the raw listeners (count,
 * and touch the payload so that its deserialization cannot be optimised away). None starts with the context: the
 * benchmark starts each one through the registry and times it from there, so context start-up is not measured.
 * Ids and groups carry {@code bench.prefix}, one per application context, so that two contexts of a run share no
 * checkpoint and no persistent group; within a context, each round resets the catch-up subscriptions to the start
 * and creates the groups anew.
 */
public class BenchmarkHandlers {

	/** Subscription id suffix of {@link #catchUpRecord(BenchmarkEvent)}. */
	static final String CATCH_UP_RECORD = "catch-up-record";

	/** Subscription id suffix of {@link #catchUpBytes(byte[])}. */
	static final String CATCH_UP_BYTES = "catch-up-bytes";

	/** Subscription id suffix of {@link #metadataRecord(BenchmarkEvent)}. */
	static final String METADATA_RECORD = "metadata-record";

	/** Subscription id suffix of {@link #longRecord(BenchmarkEvent)}. */
	static final String LONG_RECORD = "long-record";

	/** Subscription id suffix, and group name suffix, of {@link #persistentRecord(BenchmarkEvent)}. */
	static final String PERSISTENT_RECORD = "persistent-record";

	/** Subscription id suffix, and group name suffix, of {@link #persistentBytes(byte[])}. */
	static final String PERSISTENT_BYTES = "persistent-bytes";

	final Probe catchUpRecord = new Probe();

	final Probe catchUpBytes = new Probe();

	final Probe metadataRecord = new Probe();

	final Probe longRecord = new Probe();

	final Probe persistentRecord = new Probe();

	final Probe persistentBytes = new Probe();

	// Written by one subscription thread each and never read: they only keep the JIT from dropping the reads.
	private long recordSink;

	private long bytesSink;

	private long metadataSink;

	private long longSink;

	private long persistentRecordSink;

	private long persistentBytesSink;

	@EventSubscription(id = "${bench.prefix}-" + CATCH_UP_RECORD, stream = "${bench.catch-up-stream}",
			autoStartup = "false")
	void catchUpRecord(BenchmarkEvent event) {
		this.recordSink += event.amountCents();
		this.catchUpRecord.hit();
	}

	@EventSubscription(id = "${bench.prefix}-" + CATCH_UP_BYTES, stream = "${bench.catch-up-stream}",
			autoStartup = "false")
	void catchUpBytes(byte[] data) {
		this.bytesSink += data.length;
		this.catchUpBytes.hit();
	}

	@EventSubscription(id = "${bench.prefix}-" + METADATA_RECORD, stream = "${bench.metadata-stream}",
			autoStartup = "false")
	void metadataRecord(BenchmarkEvent event) {
		this.metadataSink += event.amountCents();
		this.metadataRecord.hit();
	}

	@EventSubscription(id = "${bench.prefix}-" + LONG_RECORD, stream = "${bench.long-stream}", autoStartup = "false")
	void longRecord(BenchmarkEvent event) {
		this.longSink += event.amountCents();
		this.longRecord.hit();
	}

	@EventSubscription(id = "${bench.prefix}-" + PERSISTENT_RECORD, stream = "${bench.persistent-stream}",
			group = "${bench.prefix}-" + PERSISTENT_RECORD, from = "start", autoStartup = "false")
	void persistentRecord(BenchmarkEvent event) {
		this.persistentRecordSink += event.amountCents();
		this.persistentRecord.hit();
	}

	@EventSubscription(id = "${bench.prefix}-" + PERSISTENT_BYTES, stream = "${bench.persistent-stream}",
			group = "${bench.prefix}-" + PERSISTENT_BYTES, from = "start", autoStartup = "false")
	void persistentBytes(byte[] data) {
		this.persistentBytesSink += data.length;
		this.persistentBytes.hit();
	}

}
