package io.github.esdb.benchmarks;

/**
 * One measured variant. The first variant of each {@link Measure} is the baseline (the raw client, where there is
 * one) that the others' ratios are taken against.
 */
public enum Variant {

	/** The raw client's catch-up subscription, counting events in the listener. */
	CATCH_UP_RAW(Measure.CATCH_UP, "raw client `subscribeToStream`"),

	/** The raw client's catch-up subscription, deserializing each event with Jackson in the listener. */
	CATCH_UP_RAW_JACKSON(Measure.CATCH_UP, "raw client + Jackson `readValue` in the listener"),

	/** The starter with a record handler, default settings (KurrentDB checkpoints). */
	CATCH_UP_STARTER_RECORD(Measure.CATCH_UP, "starter, record handler"),

	/** The starter with a {@code byte[]} handler, default settings. */
	CATCH_UP_STARTER_BYTES(Measure.CATCH_UP, "starter, `byte[]` handler"),

	/** The starter with a {@code byte[]} handler and in-memory checkpoints. */
	CATCH_UP_STARTER_BYTES_MEMORY(Measure.CATCH_UP, "starter, `byte[]`, `checkpoint.store=memory`"),

	/** Events carrying metadata as the template writes it: the raw client with Jackson. */
	CATCH_UP_METADATA_RAW_JACKSON(Measure.CATCH_UP_METADATA, "raw client + Jackson `readValue` in the listener"),

	/** Events carrying metadata: the starter with a record handler that does not read the metadata. */
	CATCH_UP_METADATA_STARTER_RECORD(Measure.CATCH_UP_METADATA, "starter, record handler"),

	/** The long history: the raw client with Jackson. */
	LONG_RAW_JACKSON(Measure.CATCH_UP_LONG, "raw client + Jackson `readValue` in the listener"),

	/** The long history: the starter with a record handler, default settings. */
	LONG_STARTER_RECORD(Measure.CATCH_UP_LONG, "starter, record handler"),

	/** One raw subscription with Jackson. */
	CONCURRENT_1_RAW(Measure.CONCURRENT_1, "raw client + Jackson"),

	/** One starter subscription deserializing with the same Jackson call. */
	CONCURRENT_1_STARTER(Measure.CONCURRENT_1, "starter, handler + Jackson"),

	/** Ten raw subscriptions at once. */
	CONCURRENT_10_RAW(Measure.CONCURRENT_10, "raw client + Jackson"),

	/** Ten starter subscriptions at once. */
	CONCURRENT_10_STARTER(Measure.CONCURRENT_10, "starter, handler + Jackson"),

	/** Fifty raw subscriptions at once. */
	CONCURRENT_50_RAW(Measure.CONCURRENT_50, "raw client + Jackson"),

	/** Fifty starter subscriptions at once. */
	CONCURRENT_50_STARTER(Measure.CONCURRENT_50, "starter, handler + Jackson"),

	/** The raw client's persistent subscription, acking each event in the listener. */
	PERSISTENT_RAW(Measure.PERSISTENT, "raw client `subscribeToStream` + `ack` per event"),

	/** The starter's persistent subscription with a record handler, default settings. */
	PERSISTENT_STARTER_RECORD(Measure.PERSISTENT, "starter, record handler"),

	/** The starter's persistent subscription with a {@code byte[]} handler, default settings. */
	PERSISTENT_STARTER_BYTES(Measure.PERSISTENT, "starter, `byte[]` handler"),

	/** The starter's persistent subscription with a record handler and the client's default buffer (10). */
	PERSISTENT_STARTER_RECORD_BUFFER(Measure.PERSISTENT, "starter, record handler, `persistent.buffer-size=10`"),

	/** The raw client's {@code appendToStream} of a pre-serialized event. */
	APPEND_RAW(Measure.APPEND, "raw client `appendToStream(stream, EventData)`"),

	/** {@code EsdbOperations.append(stream, payload)}: Jackson serialization, metadata, exception translation. */
	APPEND_STARTER(Measure.APPEND, "starter `EsdbOperations.append(stream, payload)`"),

	/** Live delivery latency to a raw listener, median. */
	LIVE_P50_RAW(Measure.LIVE_P50, "raw client listener"),

	/** Live delivery latency to a starter handler, median. */
	LIVE_P50_STARTER(Measure.LIVE_P50, "starter handler"),

	/** Live delivery latency to a raw listener, 99th percentile. */
	LIVE_P99_RAW(Measure.LIVE_P99, "raw client listener"),

	/** Live delivery latency to a starter handler, 99th percentile. */
	LIVE_P99_STARTER(Measure.LIVE_P99, "starter handler"),

	/** Heap growth while a slow handler runs behind the long stream. */
	BACKLOG_HEAP(Measure.BACKLOG, "starter, handler sleeping 1 ms per event, behind the long stream"),

	/** Time to start subscriptions until the server confirmed every one. */
	STARTUP(Measure.STARTUP, "starter, `SubscriptionRegistry.start` of each until all subscribed");

	private final Measure measure;

	private final String label;

	Variant(Measure measure, String label) {
		this.measure = measure;
		this.label = label;
	}

	/**
	 * What the variant measures.
	 * @return the measure
	 */
	public Measure measure() {
		return this.measure;
	}

	/**
	 * The variant's name in the report.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Whether this is the baseline of its measure.
	 * @return true for the first variant of the measure
	 */
	public boolean isBaseline() {
		for (Variant variant : values()) {
			if (variant.measure == this.measure) {
				return variant == this;
			}
		}
		return false;
	}

	/** The things measured. */
	public enum Measure {

		/** Catch-up delivery of a pre-written stream. */
		CATCH_UP("catch-up", "events/s"),

		/** Catch-up delivery of a pre-written stream whose events carry metadata (a correlation and a causation id). */
		CATCH_UP_METADATA("catch-up, events with metadata", "events/s"),

		/** Catch-up delivery of a long pre-written stream. */
		CATCH_UP_LONG("catch-up, long history", "events/s"),

		/** One subscription (aggregate rate). */
		CONCURRENT_1("1 subscription", "events/s"),

		/** Ten subscriptions at once (aggregate rate). */
		CONCURRENT_10("10 subscriptions at once", "events/s"),

		/** Fifty subscriptions at once (aggregate rate). */
		CONCURRENT_50("50 subscriptions at once", "events/s"),

		/** Persistent-subscription delivery of a pre-written stream. */
		PERSISTENT("persistent", "events/s"),

		/** Sequential single-event appends. */
		APPEND("append", "appends/s"),

		/** Live delivery latency, median. */
		LIVE_P50("live latency p50", "µs"),

		/** Live delivery latency, 99th percentile. */
		LIVE_P99("live latency p99", "µs"),

		/** Heap growth behind a slow handler. */
		BACKLOG("backlog heap growth", "MiB"),

		/** Start-up of many subscriptions in a warm JVM. */
		STARTUP("start-up of many subscriptions", "ms");

		private final String label;

		private final String unit;

		Measure(String label, String unit) {
			this.label = label;
			this.unit = unit;
		}

		/**
		 * The measure's name in the report.
		 * @return the label
		 */
		public String label() {
			return this.label;
		}

		/**
		 * The unit of its figures.
		 * @return the unit
		 */
		public String unit() {
			return this.unit;
		}

	}

}
