package io.github.esdb.core;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.StreamState;

import org.springframework.dao.DataAccessException;

/**
 * Writing and reading KurrentDB events with application objects, implemented by {@link EsdbTemplate}. Like
 * {@code JdbcOperations}, every method throws Spring's {@link DataAccessException} hierarchy; see
 * {@link EsdbExceptionTranslator}.
 * <p>
 * Events are payload objects serialized as {@code application/json}; their type name comes from the same mapping the
 * subscriptions use ({@link io.github.esdb.serialization.EventType @EventType}, {@code esdb.serialization.types},
 * then the simple class name). To add metadata or choose an id, pass {@link EventToAppend}s instead of bare payloads.
 */
public interface EsdbOperations {

	/**
	 * Append events to a stream whatever its state.
	 * @param stream the stream
	 * @param events payload objects or {@link EventToAppend}s, at least one
	 * @return the stream's new revision and the log position
	 * @throws DataAccessException if the append fails; nothing is written then
	 */
	AppendResult append(String stream, Object... events);

	/**
	 * Append events to a stream if it is in the expected state; all or nothing.
	 * @param stream the stream
	 * @param expectedState {@code StreamState.any()}, {@code noStream()}, {@code streamExists()} or
	 * {@code streamRevision(n)}
	 * @param events payload objects or {@link EventToAppend}s, at least one
	 * @return the stream's new revision and the log position
	 * @throws EsdbWrongExpectedVersionException if the stream is in another state
	 * @throws EsdbStreamDeletedException if the stream is tombstoned
	 * @throws org.springframework.dao.InvalidDataAccessApiUsageException if a payload cannot be serialized; nothing
	 * is sent then
	 */
	AppendResult append(String stream, StreamState expectedState, List<?> events);

	/**
	 * Append to several streams atomically: either every stream gets its events or none does. Needs a server with
	 * the v2 append session (KurrentDB 25.0 or later). Metadata values must be strings here, because the v2 protocol
	 * stores metadata as string properties.
	 * @param appends one entry per stream; a stream may appear only once
	 * @return each stream's new revision and the log position
	 * @throws EsdbWrongExpectedVersionException if any stream is in another state than expected
	 */
	MultiStreamAppendResult appendAll(List<StreamAppend> appends);

	/**
	 * Read a whole stream forwards.
	 * @param <T> the payload type
	 * @param stream the stream
	 * @param type the payload type: a concrete event class, a common supertype such as a sealed interface, or
	 * {@code Object.class} for whatever each event's type name maps to; {@code byte[].class} returns the raw data
	 * @return the events, empty if the stream does not exist (or is soft-deleted)
	 * @throws EsdbEventTypeMappingException if an event's type maps to no class, or to one that is not a {@code T}
	 * @throws EsdbStreamDeletedException if the stream is tombstoned
	 */
	<T> List<StoredEvent<T>> readStream(String stream, Class<T> type);

	/**
	 * Read a stream.
	 * @param <T> the payload type
	 * @param stream the stream
	 * @param options direction, start revision, limit, link resolution
	 * @param type the payload type, as in {@link #readStream(String, Class)}
	 * @return the events, empty if the stream does not exist (or is soft-deleted)
	 */
	<T> List<StoredEvent<T>> readStream(String stream, StreamReadOptions options, Class<T> type);

	/**
	 * Read one event of a stream.
	 * @param <T> the payload type
	 * @param stream the stream
	 * @param revision the event's revision
	 * @param type the payload type, as in {@link #readStream(String, Class)}
	 * @return the event
	 * @throws org.springframework.dao.EmptyResultDataAccessException if the stream or the revision does not exist
	 */
	<T> StoredEvent<T> readEvent(String stream, long revision, Class<T> type);

	/**
	 * Read {@code $all}, keeping only the events whose payload is a {@code T}. Events of other types, of unmapped
	 * types and of system streams are skipped: the log holds every stream's events.
	 * @param <T> the payload type
	 * @param options direction, start position, limit, link resolution
	 * @param type the payload type; {@code byte[].class} returns every event raw, system events included
	 * @return the matching events in log order (or reverse log order)
	 */
	<T> List<StoredEvent<T>> readAll(AllReadOptions options, Class<T> type);

	/**
	 * The revision of a stream's last event.
	 * @param stream the stream
	 * @return the revision, empty if the stream does not exist (or is soft-deleted)
	 */
	OptionalLong currentRevision(String stream);

	/**
	 * Fold a stream's events into a state, the usual way to load an aggregate. Events are read in pages, so long
	 * streams do not have to fit into memory at once.
	 * @param <S> the state type
	 * @param stream the stream
	 * @param initial the state before the first event, returned as is when the stream does not exist
	 * @param folder computes the next state from the current one and a payload
	 * @return the final state
	 */
	<S> S fold(String stream, S initial, BiFunction<S, Object, S> folder);

	/**
	 * Fold a stream's events into a state and return the stream's version with it, ready for an optimistic append.
	 * @param <S> the state type
	 * @param <E> the payload type, typically the aggregate's sealed event interface
	 * @param stream the stream
	 * @param eventType the payload type, as in {@link #readStream(String, Class)}
	 * @param initial the state before the first event
	 * @param folder computes the next state from the current one and a payload
	 * @return the final state and the expected state for the next append
	 */
	<S, E> Folded<S> load(String stream, Class<E> eventType, S initial, BiFunction<S, ? super E, S> folder);

	/**
	 * Read a stream's metadata.
	 * @param stream the stream (not its {@code $$} metadata stream)
	 * @return the metadata, {@link EsdbStreamMetadata#empty()} if none was set
	 */
	EsdbStreamMetadata getStreamMetadata(String stream);

	/**
	 * Replace a stream's metadata.
	 * @param stream the stream (not its {@code $$} metadata stream)
	 * @param metadata the new metadata
	 * @return the metadata stream's new revision
	 */
	AppendResult setStreamMetadata(String stream, EsdbStreamMetadata metadata);

	/**
	 * Replace a stream's metadata if the metadata stream is in the expected state.
	 * @param stream the stream (not its {@code $$} metadata stream)
	 * @param expectedMetadataState expected state of the metadata stream {@code $$<stream>}
	 * @param metadata the new metadata
	 * @return the metadata stream's new revision
	 */
	AppendResult setStreamMetadata(String stream, StreamState expectedMetadataState, EsdbStreamMetadata metadata);

	/**
	 * Soft-delete a stream: it reads as absent, and a later append starts it again after the last revision.
	 * @param stream the stream
	 * @param expectedState the state the stream must be in
	 * @return the log position of the deletion
	 */
	Position deleteStream(String stream, StreamState expectedState);

	/**
	 * Delete a stream for good: it can never be written or read again.
	 * @param stream the stream
	 * @param expectedState the state the stream must be in
	 * @return the log position of the tombstone
	 */
	Position tombstoneStream(String stream, StreamState expectedState);

	/**
	 * Run any client call with the template's exception translation, for what the template does not wrap.
	 * @param <T> the call's result type
	 * @param action the call
	 * @return the call's result
	 */
	<T> T execute(Function<KurrentDBClient, CompletableFuture<T>> action);

}
