package io.github.esdb.embedded.projections;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.esdb.embedded.store.CommitHook;
import io.github.esdb.embedded.store.DerivedWriter;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamReadResult;

/**
 * The system projections of a node started with the standard projections running: {@code $streams},
 * {@code $stream_by_category}, {@code $by_category} and {@code $by_event_type} (and {@code $by_correlation_id},
 * listed and stopped).
 * <p>
 * A real node writes their links asynchronously, a moment after the append. Here they are written in the same
 * commit, right after the appended records and before readers and subscribers are woken: a read of {@code $ce-order}
 * right after an append already sees the links, which is a moment of the real node's eventually consistent behaviour
 * that tests can rely on. Links carry the metadata the real node writes: {@code $v} (projection id, epoch, version,
 * subsystem version), {@code $c}/{@code $p} (the source record's position), {@code $o} (the source stream, for
 * {@code $ce-}), {@code $deleted: -1} (for deletions), {@code $causedBy} (the source event id) and
 * {@code $correlationId} when the source metadata has one.
 */
public final class SystemProjections implements CommitHook {

	/** {@code ProjectionsSubsystem.VERSION} of the real server, the last part of {@code $v}. */
	static final int SUBSYSTEM_VERSION = 4;

	private static final byte[] EMPTY = new byte[0];

	private static final int CATCH_UP_PAGE = 4096;

	private final EventStore store;

	private final ObjectMapper json = new ObjectMapper();

	private volatile List<SystemProjection> projections;

	/**
	 * Creates the projections in the state of a fresh node (all running but {@code $by_correlation_id}) and installs
	 * them as the store's commit hook.
	 * @param store the store whose commits they follow
	 */
	public SystemProjections(EventStore store) {
		this.store = store;
		this.projections = fresh();
		store.commitHook(this);
	}

	private static List<SystemProjection> fresh() {
		List<SystemProjection> list = new ArrayList<>();
		for (StandardProjection kind : StandardProjection.values()) {
			list.add(new SystemProjection(kind, kind.supported()));
		}
		return List.copyOf(list);
	}

	/**
	 * Back to the state of a fresh node, for {@code EmbeddedEsdbServer.reset()} (the store was cleared).
	 */
	public void reset() {
		this.store.writeDerived((writer) -> this.projections = fresh());
	}

	/**
	 * Writes what a fresh node has about its projections: {@code $ProjectionsInitialized} and one
	 * {@code $ProjectionCreated} per projection in {@code $projections-$all} (their event numbers are the projection
	 * ids), and each projection's definition ({@code $ProjectionUpdated}) in {@code $projections-<name>}.
	 */
	public void writeRegistrations() {
		this.store.append("$projections-$all", ExpectedRevision.ANY,
				List.of(new ProposedEvent(java.util.UUID.randomUUID(), "$ProjectionsInitialized", false, EMPTY, EMPTY)));
		for (SystemProjection projection : this.projections) {
			this.store.append("$projections-$all", ExpectedRevision.ANY,
					List.of(new ProposedEvent(java.util.UUID.randomUUID(), "$ProjectionCreated", false,
							projection.kind.projectionName().getBytes(StandardCharsets.UTF_8), EMPTY)));
		}
		this.store.writeDerived((writer) -> this.projections.forEach((p) -> writeDefinition(p, writer)));
	}

	@Override
	public void committed(List<StoredEvent> records, DerivedWriter writer) {
		List<SystemProjection> current = this.projections;
		for (StoredEvent record : records) {
			SourceRecord source = null;
			for (SystemProjection projection : current) {
				if (projection.running && record.position() > projection.lastPosition) {
					source = process(projection, record, source, writer);
				}
			}
		}
	}

	/** Processes one record; returns the (lazily built) source view so the next projection can share it. */
	private SourceRecord process(SystemProjection projection, StoredEvent record, SourceRecord source,
			DerivedWriter writer) {
		projection.lastPosition = record.position();
		projection.processed++;
		if (!projection.kind.passes(record)) {
			return source;
		}
		SourceRecord view = (source != null) ? source : SourceRecord.of(record, this.json);
		projection.kind.emit(view, (stream, type, data, original, deleted) -> {
			if (projection.staleStreams.remove(stream)) {
				truncate(stream, writer);
			}
			projection.outputStreams.add(stream);
			writer.append(stream, type, false, data.getBytes(StandardCharsets.UTF_8),
					linkMetadata(projection, view, original, deleted));
		});
		return view;
	}

	private static byte[] linkMetadata(SystemProjection projection, SourceRecord view, String original,
			boolean deleted) {
		StoredEvent source = view.record();
		StringBuilder metadata = new StringBuilder(160).append("{\"$v\":\"")
			.append(projection.versionTag())
			.append("\",\"$c\":")
			.append(source.position())
			.append(",\"$p\":")
			.append(source.position());
		if (original != null) {
			metadata.append(",\"$o\":\"").append(JsonStringEncoder.getInstance().quoteAsString(original)).append('"');
		}
		if (deleted) {
			metadata.append(",\"$deleted\":-1");
		}
		metadata.append(",\"$causedBy\":\"").append(source.id()).append('"');
		String correlationId = view.correlationId();
		if (correlationId != null) {
			metadata.append(",\"$correlationId\":\"")
				.append(JsonStringEncoder.getInstance().quoteAsString(correlationId))
				.append('"');
		}
		return metadata.append('}').toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * After a reset the real node truncates each output stream before its first new link ({@code $tb} in the
	 * stream's metadata), so only the links of the new epoch stay visible.
	 */
	private void truncate(String stream, DerivedWriter writer) {
		long next = this.store.streamInfo(stream).lastRevision() + 1;
		if (next == 0) {
			return;
		}
		ObjectNode metadata = null;
		if (this.store.readStream("$$" + stream, Long.MAX_VALUE, false, 1) instanceof StreamReadResult.Events events
				&& !events.events().isEmpty()) {
			try {
				JsonNode current = this.json.readTree(events.events().get(0).data());
				metadata = (current instanceof ObjectNode object) ? object : null;
			}
			catch (Exception ex) {
				metadata = null;
			}
		}
		if (metadata == null) {
			metadata = this.json.createObjectNode();
		}
		metadata.put("$tb", next);
		writer.append("$$" + stream, StoredEvent.METADATA_TYPE, true,
				metadata.toString().getBytes(StandardCharsets.UTF_8), EMPTY);
	}

	/**
	 * Takes the state of a durable log read back at start: each projection's running flag, version and epoch from
	 * its latest definition event; a running one has processed the whole log (its links are written in the same
	 * commit as their sources), a stopped one everything up to the definition that stopped it; its output streams
	 * are the existing streams it writes to.
	 */
	public void resumeFromLog() {
		this.store.writeDerived((writer) -> {
			long end = this.store.lastPosition();
			java.util.Set<String> streams = this.store.streamNames();
			for (SystemProjection projection : this.projections) {
				String definitionStream = "$projections-" + projection.kind.projectionName();
				if (this.store.readStream(definitionStream, Long.MAX_VALUE, false,
						1) instanceof StreamReadResult.Events events && !events.events().isEmpty()) {
					StoredEvent definition = events.events().get(0);
					JsonNode node = readJson(definition.data());
					if (node != null) {
						projection.running = projection.kind.supported() && node.path("enabled").asBoolean();
						projection.version = node.path("version").asInt(projection.version);
						projection.epoch = node.path("epoch").asInt(projection.epoch);
					}
					projection.lastPosition = projection.running ? end : definition.position();
				}
				else {
					projection.lastPosition = projection.running ? end : 0;
				}
				projection.processed = projection.lastPosition;
				for (String stream : streams) {
					if (projection.kind.writesTo(stream)) {
						projection.outputStreams.add(stream);
					}
				}
			}
		});
	}

	private JsonNode readJson(byte[] data) {
		try {
			return this.json.readTree(data);
		}
		catch (Exception ex) {
			return null;
		}
	}

	// ------------------------------------------------------------------ management

	/**
	 * Whether a projection of that name exists.
	 * @param name e.g. {@code $by_category}
	 * @return true for the five system projections
	 */
	public boolean exists(String name) {
		return StandardProjection.named(name) != null;
	}

	/**
	 * The statistics of every projection, in id order.
	 * @return one entry per projection
	 */
	public List<ProjectionStatistics> statistics() {
		long end = this.store.lastPosition();
		List<ProjectionStatistics> list = new ArrayList<>();
		for (SystemProjection projection : this.projections) {
			long position = projection.lastPosition;
			float progress = (end == 0 || position >= end) ? 100f : (100f * position / end);
			list.add(new ProjectionStatistics(projection.kind.projectionName(), projection.running, position,
					projection.processed, projection.version, projection.epoch, progress));
		}
		return list;
	}

	/**
	 * Starts a stopped projection: it processes every record it missed (its links are appended now, after the
	 * newer records, as on the real node) and then follows new commits.
	 * @param name the projection
	 * @throws IllegalArgumentException when there is no such projection
	 * @throws IllegalStateException for {@code $by_correlation_id}, which the embedded server does not run
	 */
	public void enable(String name) {
		SystemProjection projection = find(name);
		if (!projection.kind.supported()) {
			throw new IllegalStateException("The embedded server does not run the " + name
					+ " projection; it runs $streams, $stream_by_category, $by_category and $by_event_type");
		}
		this.store.writeDerived((writer) -> {
			if (!projection.running) {
				projection.running = true;
				writeDefinition(projection, writer);
			}
			catchUp(projection, writer);
		});
	}

	/**
	 * Stops a projection: records committed while it is stopped get no links until it is enabled again.
	 * @param name the projection
	 * @throws IllegalArgumentException when there is no such projection
	 */
	public void disable(String name) {
		SystemProjection projection = find(name);
		this.store.writeDerived((writer) -> {
			if (projection.running) {
				projection.running = false;
				writeDefinition(projection, writer);
			}
		});
	}

	/**
	 * Resets a projection like the real node: a new version and epoch, processing starts again at the beginning of
	 * the log, and each output stream is truncated before its first new link.
	 * @param name the projection
	 * @throws IllegalArgumentException when there is no such projection
	 */
	public void reset(String name) {
		SystemProjection projection = find(name);
		this.store.writeDerived((writer) -> {
			projection.version++;
			projection.epoch = projection.version;
			projection.staleStreams.addAll(projection.outputStreams);
			projection.outputStreams.clear();
			projection.lastPosition = 0;
			projection.processed = 0;
			writeDefinition(projection, writer);
			if (projection.running) {
				catchUp(projection, writer);
			}
		});
	}

	private void catchUp(SystemProjection projection, DerivedWriter writer) {
		long end = this.store.lastPosition();
		long from = projection.lastPosition + 1;
		while (from <= end) {
			List<StoredEvent> page = this.store.readAllForwards(from, CATCH_UP_PAGE);
			if (page.isEmpty()) {
				break;
			}
			for (StoredEvent record : page) {
				if (record.position() > end) {
					return;
				}
				process(projection, record, null, writer);
			}
			from = page.get(page.size() - 1).position() + 1;
		}
	}

	private SystemProjection find(String name) {
		for (SystemProjection projection : this.projections) {
			if (projection.kind.projectionName().equals(name)) {
				return projection;
			}
		}
		throw new IllegalArgumentException("Projection '" + name + "' not found");
	}

	/** A definition event like the real node's persisted state, written when the projection changes. */
	private void writeDefinition(SystemProjection projection, DerivedWriter writer) {
		ObjectNode definition = this.json.createObjectNode()
			.put("handlerType", projection.kind.handlerType())
			.put("query", projection.kind.query())
			.put("mode", "Continuous")
			.put("enabled", projection.running)
			.put("emitEnabled", true)
			.put("checkpointsDisabled", false)
			.put("trackEmittedStreams", false)
			.put("epoch", projection.epoch)
			.put("version", projection.version);
		ObjectNode runAs = definition.putObject("runAs").put("name", "$system");
		runAs.putArray("roles").add("$admins");
		writer.append("$projections-" + projection.kind.projectionName(), "$ProjectionUpdated", true,
				definition.toString().getBytes(StandardCharsets.UTF_8), EMPTY);
	}

	/**
	 * A projection's statistics as the Projections service reports them.
	 *
	 * @param name the projection
	 * @param running whether it runs
	 * @param position the log position of the last record it processed (0 before the first)
	 * @param processed records processed since the start (or the last reset)
	 * @param version its version
	 * @param epoch its epoch
	 * @param progress percent of the log processed
	 */
	public record ProjectionStatistics(String name, boolean running, long position, long processed, int version,
			int epoch, float progress) {
	}

}
