package io.github.esdb.embedded.projections;

import java.nio.charset.StandardCharsets;

import io.github.esdb.embedded.store.StoredEvent;

/**
 * The standard (system) projections of a KurrentDB node, with what each one writes for a source record. The rules
 * follow the real server's native handlers ({@code IndexStreams}, {@code CategorizeStreamByPath},
 * {@code CategorizeEventsByStreamPath}, {@code IndexEventsByEventType}); {@code $by_correlation_id} is listed (a
 * fresh node has it, stopped) but cannot be enabled here.
 * <p>
 * Every projection reads {@code $all} through the same source filter as the real one: records of user streams, and
 * of the metadata streams of user streams; never records of other system streams (so never their own links).
 */
enum StandardProjection {

	/** One {@code $>} link in {@code $streams} to the first event of every stream. */
	STREAMS("$streams", 1, "IndexStreams", "", true) {
		@Override
		void emit(SourceRecord source, Emitter out) {
			if (source.record().revision() == 0) {
				out.emit("$streams", StoredEvent.LINK_TYPE, source.pointer(source.record().stream()), null, false);
			}
		}
	},

	/** One {@code $@} stream reference in {@code $category-<category>} for every new stream of the category. */
	STREAM_BY_CATEGORY("$stream_by_category", 2, "CategorizeStreamByPath", "first\r\n-", true) {
		@Override
		void emit(SourceRecord source, Emitter out) {
			String stream = source.record().stream();
			String category = category(stream);
			if (source.record().revision() == 0 && category != null) {
				out.emit("$category-" + category, STREAM_REFERENCE_TYPE, stream, null, false);
			}
		}
	},

	/** One {@code $>} link in {@code $ce-<category>} for every event (and deletion) of a stream of the category. */
	BY_CATEGORY("$by_category", 3, "CategorizeEventsByStreamPath", "first\r\n-", true) {
		@Override
		void emit(SourceRecord source, Emitter out) {
			String original = source.deleted() ? source.deletedStream() : source.record().stream();
			String category = category(original);
			if (category == null) {
				return;
			}
			StoredEvent record = source.record();
			String target = record.isLink() ? new String(record.data(), StandardCharsets.UTF_8)
					: source.pointer(record.stream());
			out.emit("$ce-" + category, StoredEvent.LINK_TYPE, target, original, source.deleted());
		}
	},

	/** One {@code $>} link in {@code $et-<type>} for every event; deletions go to {@code $et-$deleted}. */
	BY_EVENT_TYPE("$by_event_type", 4, "IndexEventsByEventType", "", false) {
		@Override
		void emit(SourceRecord source, Emitter out) {
			StoredEvent record = source.record();
			String type = source.deleted() ? "$deleted" : record.type();
			// The real handler points into the stream with the "$$" cut off, for metadata records too.
			out.emit("$et-" + type, StoredEvent.LINK_TYPE, source.pointer(source.deletedStream()), null,
					source.deleted());
		}
	},

	/** Listed as a real node lists it; not run by the embedded server. */
	BY_CORRELATION_ID("$by_correlation_id", 5, "ByCorrelationId", "{\"correlationIdProperty\":\"$correlationId\"}",
			true) {
		@Override
		void emit(SourceRecord source, Emitter out) {
			throw new IllegalStateException("$by_correlation_id is not run by the embedded server");
		}
	};

	/** Event type of the stream references {@code $stream_by_category} writes. */
	static final String STREAM_REFERENCE_TYPE = "$@";

	private final String projectionName;

	private final int id;

	private final String handler;

	private final String query;

	private final boolean includeLinks;

	StandardProjection(String projectionName, int id, String handler, String query, boolean includeLinks) {
		this.projectionName = projectionName;
		this.id = id;
		this.handler = handler;
		this.query = query;
		this.includeLinks = includeLinks;
	}

	/** What the projection writes for a record that passed its source filter. */
	abstract void emit(SourceRecord source, Emitter out);

	/**
	 * Whether a stream is one this projection writes (used to know its output streams again after a restart).
	 * @param stream a stream name
	 * @return true for its output streams
	 */
	boolean writesTo(String stream) {
		return switch (this) {
			case STREAMS -> stream.equals("$streams");
			case STREAM_BY_CATEGORY -> stream.startsWith("$category-");
			case BY_CATEGORY -> stream.startsWith("$ce-");
			case BY_EVENT_TYPE -> stream.startsWith("$et-");
			case BY_CORRELATION_ID -> stream.startsWith("$bc-");
		};
	}

	/** The name clients use, e.g. {@code $by_category}. */
	String projectionName() {
		return this.projectionName;
	}

	/** The id a fresh node gives it: its registration's event number in {@code $projections-$all}. */
	int id() {
		return this.id;
	}

	/** The handler type stored in the projection's definition. */
	String handlerType() {
		return "native:KurrentDB.Projections.Core.Standard." + this.handler;
	}

	/** The source (query) stored in the definition, e.g. the category separator rule. */
	String query() {
		return this.query;
	}

	/** Whether the embedded server runs it. */
	boolean supported() {
		return this != BY_CORRELATION_ID;
	}

	/** The real source filter: user streams and metadata streams of user streams; links only when included. */
	boolean passes(StoredEvent record) {
		if (!this.includeLinks && record.isLink()) {
			return false;
		}
		String stream = record.stream();
		return !stream.startsWith("$") || (stream.startsWith("$$") && !stream.startsWith("$", 2));
	}

	/** The category: the text before the first {@code -}; none for system streams or names without one. */
	static String category(String stream) {
		if (stream.startsWith("$")) {
			return null;
		}
		int separator = stream.indexOf('-');
		return (separator > 0) ? stream.substring(0, separator) : null;
	}

	/** Looks a projection up by its client-facing name. */
	static StandardProjection named(String name) {
		for (StandardProjection projection : values()) {
			if (projection.projectionName.equals(name)) {
				return projection;
			}
		}
		return null;
	}

	/** Receives what a projection writes. */
	@FunctionalInterface
	interface Emitter {

		/**
		 * @param stream the output stream
		 * @param type {@code $>} or {@code $@}
		 * @param data the link target ({@code revision@stream}) or the referenced stream
		 * @param originalStream the {@code $o} metadata entry, null for none
		 * @param deleted whether to add {@code $deleted: -1}
		 */
		void emit(String stream, String type, String data, String originalStream, boolean deleted);

	}

}
