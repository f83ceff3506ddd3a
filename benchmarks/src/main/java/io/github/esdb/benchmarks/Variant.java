package io.github.esdb.benchmarks;

/**
 * One measured variant. The first variant of each {@link Measure} is the raw client: the baseline that the others'
 * ratios are taken against.
 */
public enum Variant {

	/** The raw client's catch-up subscription, counting events in the listener. */
	CATCH_UP_RAW(Measure.CATCH_UP, "raw client `subscribeToStream`"),

	/** The raw client's catch-up subscription, deserializing each event with Jackson in the listener. */
	CATCH_UP_RAW_JACKSON(Measure.CATCH_UP, "raw client + Jackson `readValue` in the listener"),

	/** The starter with a record handler, default settings (batch 128, KurrentDB checkpoints every 100 events). */
	CATCH_UP_STARTER_RECORD(Measure.CATCH_UP, "starter, record handler"),

	/** The starter with a {@code byte[]} handler, default settings. */
	CATCH_UP_STARTER_BYTES(Measure.CATCH_UP, "starter, `byte[]` handler"),

	/** The starter with a {@code byte[]} handler and the raw client's batch size (512). */
	CATCH_UP_STARTER_BYTES_BATCH(Measure.CATCH_UP, "starter, `byte[]`, `batch-size=512`"),

	/** The starter with a {@code byte[]} handler, batch size 512 and in-memory checkpoints. */
	CATCH_UP_STARTER_BYTES_MEMORY(Measure.CATCH_UP, "starter, `byte[]`, `batch-size=512`, `checkpoint.store=memory`"),

	/** The raw client's persistent subscription, acking each event in the listener. */
	PERSISTENT_RAW(Measure.PERSISTENT, "raw client `subscribeToStream` + `ack`"),

	/** The starter's persistent subscription with a record handler. */
	PERSISTENT_STARTER_RECORD(Measure.PERSISTENT, "starter, record handler"),

	/** The starter's persistent subscription with a {@code byte[]} handler. */
	PERSISTENT_STARTER_BYTES(Measure.PERSISTENT, "starter, `byte[]` handler"),

	/** The raw client's {@code appendToStream} of a pre-serialized event. */
	APPEND_RAW(Measure.APPEND, "raw client `appendToStream(stream, EventData)`"),

	/** {@code EsdbOperations.append(stream, payload)}: Jackson serialization, metadata, exception translation. */
	APPEND_STARTER(Measure.APPEND, "starter `EsdbOperations.append(stream, payload)`");

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
	 * Whether this is the raw-client baseline of its measure.
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

	/** The three things measured. */
	public enum Measure {

		/** Catch-up delivery of a pre-written stream. */
		CATCH_UP("catch-up"),

		/** Persistent-subscription delivery of a pre-written stream. */
		PERSISTENT("persistent"),

		/** Sequential single-event appends. */
		APPEND("append");

		private final String label;

		Measure(String label) {
			this.label = label;
		}

		/**
		 * The measure's name in the report.
		 * @return the label
		 */
		public String label() {
			return this.label;
		}

	}

}
