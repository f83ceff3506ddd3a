package io.github.esdb.core;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializationException;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.SerializedEvent;
import io.github.esdb.event.CurrentEvent;
import io.github.esdb.event.EventEnvelope;
import io.github.esdb.event.EventEnvelopeFactory;
import io.kurrent.dbclient.AppendResponse;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.Direction;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.MultiStreamAppendResponse;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.util.Assert;

/**
 * Writes and reads KurrentDB events as application objects, the way {@code JdbcTemplate} does rows: payloads go
 * through the shared {@link EventSerializer} and {@link EventTypeRegistry}, failures come out as Spring
 * {@link DataAccessException}s, and blocking calls hide the client's futures.
 * <p>
 * Every event gets {@value EventEnvelope#CORRELATION_ID} and, when appended from a subscription handler,
 * {@value EventEnvelope#CAUSATION_ID} metadata. Events appended while a handler runs (see {@link CurrentEvent}) get
 * ids derived from the handled event, so a redelivered event that makes the handler append again is written only once.
 * <p>
 * Thread-safe; one instance per application is enough.
 */
public class EsdbTemplate implements EsdbOperations {

	private static final Logger logger = LoggerFactory.getLogger(EsdbTemplate.class);

	// Large enough that most aggregates load in one round trip, small enough to bound memory on long streams.
	private static final int FOLD_PAGE_SIZE = 512;

	// Asked on every call, never cached, so that the template outlives a client that shut itself down.
	private final KurrentDBClientProvider clients;

	private final EventSerializer serializer;

	private final EventEnvelopeFactory envelopes;

	private final EventTypeRegistry types;

	private final CurrentEvent currentEvent;

	private final EsdbExceptionTranslator translator;

	// Counts, per handler call and target stream, the events that call appended, so that two appends to the same stream
	// from one call get distinct ids while a retry or a redelivery (a new invocation) starts at 0 again.
	private final ThreadLocal<HandlerOrdinals> ordinals = new ThreadLocal<>();

	private final Set<Class<?>> sealedTypesRegistered = ConcurrentHashMap.newKeySet();

	private final List<EventMetadataContributor> metadataContributors;

	/**
	 * Create a template.
	 * @param clients supplies the client for each call, a replacement once the previous one has shut itself down
	 * @param serializer turns payloads into bytes and back
	 * @param types maps type names to payload classes
	 * @param currentEvent the event being handled on the current thread, or {@code null} when the application runs
	 * no subscriptions
	 */
	public EsdbTemplate(KurrentDBClientProvider clients, EventSerializer serializer, EventTypeRegistry types,
			CurrentEvent currentEvent) {
		this(clients, serializer, types, currentEvent, new EsdbExceptionTranslator(), List.of());
	}

	/**
	 * Create a template with a custom exception translator and metadata contributors.
	 * @param clients supplies the client for each call, a replacement once the previous one has shut itself down
	 * @param serializer turns payloads into bytes and back
	 * @param types maps type names to payload classes
	 * @param currentEvent the event being handled on the current thread, or {@code null}
	 * @param translator turns client failures into {@link DataAccessException}s
	 * @param metadataContributors add metadata to every appended event, in order (for example the current trace)
	 */
	public EsdbTemplate(KurrentDBClientProvider clients, EventSerializer serializer, EventTypeRegistry types,
			CurrentEvent currentEvent, EsdbExceptionTranslator translator,
			List<EventMetadataContributor> metadataContributors) {
		Assert.notNull(clients, "clients must not be null");
		Assert.notNull(serializer, "serializer must not be null");
		Assert.notNull(types, "types must not be null");
		Assert.notNull(translator, "translator must not be null");
		this.clients = clients;
		this.serializer = serializer;
		this.envelopes = new EventEnvelopeFactory(serializer);
		this.types = types;
		this.currentEvent = currentEvent;
		this.translator = translator;
		this.metadataContributors = List.copyOf(metadataContributors);
	}

	/**
	 * The client this template calls now. Ask again rather than keeping it: after an outage the template moves on to
	 * a replacement.
	 * @return the current client
	 */
	public KurrentDBClient getClient() {
		return this.clients.client();
	}

	// ---- append ----

	@Override
	public AppendResult append(String stream, Object... events) {
		return append(stream, StreamState.any(), Arrays.asList(events));
	}

	@Override
	public AppendResult append(String stream, StreamState expectedState, List<?> events) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(expectedState, "expectedState must not be null");
		Assert.notEmpty(events, "at least one event is required");
		CurrentEvent.Invocation invocation = handlerInvocation();
		EventEnvelope handled = eventOf(invocation);
		Correlation correlation = Correlation.of(handled);
		long firstOrdinal = nextOrdinal(invocation, stream);
		// Everything is serialized before the call, so a payload Jackson cannot write fails with nothing sent.
		List<EventData> data = toEventData(stream, events, handled, firstOrdinal, correlation, false);
		WriteResult result;
		try {
			result = call("append to stream '" + stream + "'", () -> this.clients.client().appendToStream(stream,
					AppendToStreamOptions.get().streamState(expectedState), data.iterator()));
		}
		catch (EsdbWrongExpectedVersionException ex) {
			throw withCallersExpectation(ex, expectedState);
		}
		advanceOrdinal(invocation, stream, events.size());
		long revision = result.getNextExpectedRevision().toRawLong();
		if (logger.isDebugEnabled()) {
			logger.debug("Appended {} event(s) to '{}', now at revision {}{}", events.size(), stream, revision,
					(handled != null) ? " while handling " + handled.eventId() : "");
		}
		return new AppendResult(stream, revision, result.getLogPosition());
	}

	@Override
	public MultiStreamAppendResult appendAll(List<StreamAppend> appends) {
		Assert.notEmpty(appends, "at least one stream append is required");
		CurrentEvent.Invocation invocation = handlerInvocation();
		EventEnvelope handled = eventOf(invocation);
		Correlation correlation = Correlation.of(handled);
		Map<String, StreamState> expected = new LinkedHashMap<>();
		List<AppendStreamRequest> requests = new ArrayList<>();
		for (StreamAppend append : appends) {
			Assert.hasText(append.stream(), "stream must not be empty");
			Assert.notNull(append.expectedState(), "expectedState must not be null");
			Assert.notEmpty(append.events(), "at least one event is required for stream '" + append.stream() + "'");
			if (expected.put(append.stream(), append.expectedState()) != null) {
				// The server aborts such a session; saying so here names the stream.
				throw new InvalidDataAccessApiUsageException("Stream '" + append.stream()
						+ "' appears twice in one multi-stream append; put all its events in one StreamAppend");
			}
			List<EventData> data = toEventData(append.stream(), append.events(), handled,
					nextOrdinal(invocation, append.stream()), correlation, true);
			requests.add(new AppendStreamRequest(append.stream(), data.iterator(), append.expectedState()));
		}
		MultiStreamAppendResponse response;
		try {
			response = call("multi-stream append to " + expected.keySet(),
					() -> this.clients.client().multiStreamAppend(requests.iterator()));
		}
		catch (EsdbWrongExpectedVersionException ex) {
			StreamState callers = expected.get(ex.getStream());
			throw (callers != null) ? withCallersExpectation(ex, callers) : ex;
		}
		for (StreamAppend append : appends) {
			advanceOrdinal(invocation, append.stream(), append.events().size());
		}
		Map<String, Long> revisions = new LinkedHashMap<>();
		for (AppendResponse result : response.getResults()) {
			revisions.put(result.getStream(), result.getStreamRevision());
		}
		logger.debug("Appended atomically to {}", revisions);
		return new MultiStreamAppendResult(new Position(response.getPosition(), response.getPosition()), revisions);
	}

	private List<EventData> toEventData(String stream, List<?> events, EventEnvelope handled, long firstOrdinal,
			Correlation correlation, boolean stringMetadataOnly) {
		List<EventData> data = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			Object element = events.get(i);
			Assert.notNull(element, "event " + i + " for stream '" + stream + "' is null");
			EventToAppend event = (element instanceof EventToAppend e) ? e : EventToAppend.of(element);
			SerializedEvent serialized = serialize(stream, i, event.payload());
			Map<String, Object> metadata = new LinkedHashMap<>();
			metadata.put(EventEnvelope.CORRELATION_ID, correlation.correlationId());
			if (correlation.causationId() != null) {
				metadata.put(EventEnvelope.CAUSATION_ID, correlation.causationId());
			}
			this.metadataContributors.forEach((contributor) -> contributor.contribute(metadata));
			metadata.putAll(event.metadata());
			if (stringMetadataOnly) {
				requireStringValues(stream, i, metadata);
			}
			UUID id = eventId(event, handled, stream, firstOrdinal + i);
			EventDataBuilder builder = serialized.isJson() ? EventDataBuilder.json(id, serialized.type(), serialized.data())
					: EventDataBuilder.binary(id, serialized.type(), serialized.data());
			data.add(builder.metadataAsBytes(this.serializer.writeMetadata(metadata)).build());
		}
		return data;
	}

	private SerializedEvent serialize(String stream, int index, Object payload) {
		try {
			return this.serializer.serialize(payload);
		}
		catch (EventSerializationException | IllegalStateException ex) {
			throw new InvalidDataAccessApiUsageException("Cannot serialize event " + index + " for stream '" + stream
					+ "' (" + payload.getClass().getName() + "); nothing was appended: " + ex.getMessage(), ex);
		}
	}

	private static void requireStringValues(String stream, int index, Map<String, Object> metadata) {
		metadata.forEach((key, value) -> {
			if (!(value instanceof String)) {
				throw new InvalidDataAccessApiUsageException("Metadata key '" + key + "' of event " + index
						+ " for stream '" + stream + "' is " + ((value != null) ? "a " + value.getClass().getName()
								: "null")
						+ "; multi-stream appends store metadata as string properties, so pass it as a String");
			}
		});
	}

	private static UUID eventId(EventToAppend event, EventEnvelope handled, String stream, long ordinal) {
		if (event.eventId() != null) {
			return event.eventId();
		}
		return (handled != null) ? EventIds.derived(handled.eventId(), stream, ordinal) : UUID.randomUUID();
	}

	private static EsdbWrongExpectedVersionException withCallersExpectation(EsdbWrongExpectedVersionException ex,
			StreamState callers) {
		// The 1.1.0 client reports an expected "no stream" as revision 0; the caller's own expectation is exact.
		return new EsdbWrongExpectedVersionException(ex.getStream(), callers, ex.getActualState(), ex.getCause());
	}

	private CurrentEvent.Invocation handlerInvocation() {
		CurrentEvent.Invocation invocation = (this.currentEvent != null)
				? this.currentEvent.invocation().orElse(null) : null;
		if (invocation == null) {
			// Drop what a finished handling left on this pooled thread.
			this.ordinals.remove();
		}
		return invocation;
	}

	private static EventEnvelope eventOf(CurrentEvent.Invocation invocation) {
		return (invocation != null) ? invocation.event() : null;
	}

	private long nextOrdinal(CurrentEvent.Invocation invocation, String stream) {
		HandlerOrdinals current = this.ordinals.get();
		if (invocation == null || current == null || current.invocation != invocation) {
			return 0;
		}
		return current.next.getOrDefault(stream, 0L);
	}

	private void advanceOrdinal(CurrentEvent.Invocation invocation, String stream, int count) {
		if (invocation == null) {
			return;
		}
		HandlerOrdinals current = this.ordinals.get();
		if (current == null || current.invocation != invocation) {
			current = new HandlerOrdinals(invocation);
			this.ordinals.set(current);
		}
		current.next.merge(stream, (long) count, Long::sum);
	}

	// ---- read ----

	@Override
	public <T> List<StoredEvent<T>> readStream(String stream, Class<T> type) {
		return readStream(stream, StreamReadOptions.forwards(), type);
	}

	@Override
	public <T> List<StoredEvent<T>> readStream(String stream, StreamReadOptions options, Class<T> type) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(options, "options must not be null");
		Assert.notNull(type, "type must not be null");
		ReadResult result = readOrNull(stream, toClientOptions(options));
		if (result == null) {
			return List.of();
		}
		List<StoredEvent<T>> events = new ArrayList<>(result.getEvents().size());
		for (ResolvedEvent resolved : result.getEvents()) {
			StoredEvent<T> event = toStoredEvent(resolved, type, true);
			if (event != null) {
				events.add(event);
			}
		}
		return events;
	}

	@Override
	public <T> StoredEvent<T> readEvent(String stream, long revision, Class<T> type) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(type, "type must not be null");
		// Not-found is not swallowed here: a single-result read without a result is EmptyResultDataAccessException.
		ReadResult result = call("read of stream '" + stream + "'", () -> this.clients.client().readStream(stream,
				toClientOptions(StreamReadOptions.forwards().fromRevision(revision).limit(1))));
		if (!result.getEvents().isEmpty()) {
			StoredEvent<T> event = toStoredEvent(result.getEvents().get(0), type, true);
			if (event != null && event.revision() == revision) {
				return event;
			}
		}
		throw new EmptyResultDataAccessException("Stream '" + stream + "' has no event at revision " + revision, 1);
	}

	@Override
	public <T> List<StoredEvent<T>> readAll(AllReadOptions options, Class<T> type) {
		Assert.notNull(options, "options must not be null");
		Assert.notNull(type, "type must not be null");
		ReadAllOptions clientOptions = ReadAllOptions.get()
			.direction(options.direction())
			.maxCount(options.maxCount())
			.resolveLinkTos(options.resolveLinks());
		if (options.fromPosition() != null) {
			clientOptions.fromPosition(options.fromPosition());
		}
		else if (options.direction() == Direction.Forwards) {
			clientOptions.fromStart();
		}
		else {
			clientOptions.fromEnd();
		}
		ReadResult result = call("read of $all", () -> this.clients.client().readAll(clientOptions));
		boolean raw = type == byte[].class;
		List<StoredEvent<T>> events = new ArrayList<>();
		for (ResolvedEvent resolved : result.getEvents()) {
			RecordedEvent event = resolved.getEvent();
			if (event == null || (!raw && isSystem(event))) {
				continue;
			}
			StoredEvent<T> stored = toStoredEvent(resolved, type, false);
			if (stored != null) {
				events.add(stored);
			}
		}
		return events;
	}

	@Override
	public OptionalLong currentRevision(String stream) {
		Assert.hasText(stream, "stream must not be empty");
		ReadResult result = readOrNull(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(1));
		if (result == null || result.getEvents().isEmpty()) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(result.getEvents().get(0).getOriginalEvent().getRevision());
	}

	@Override
	public <S> S fold(String stream, S initial, BiFunction<S, Object, S> folder) {
		return load(stream, Object.class, initial, folder).state();
	}

	@Override
	public <S, E> Folded<S> load(String stream, Class<E> eventType, S initial, BiFunction<S, ? super E, S> folder) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(eventType, "eventType must not be null");
		Assert.notNull(folder, "folder must not be null");
		S state = initial;
		long last = -1;
		long from = 0;
		while (true) {
			ReadResult page = readOrNull(stream,
					toClientOptions(StreamReadOptions.forwards().fromRevision(from).limit(FOLD_PAGE_SIZE)));
			if (page == null) {
				break;
			}
			for (ResolvedEvent resolved : page.getEvents()) {
				StoredEvent<E> event = toStoredEvent(resolved, eventType, true);
				state = folder.apply(state, event.payload());
				last = event.revision();
			}
			if (page.getEvents().size() < FOLD_PAGE_SIZE) {
				break;
			}
			from = last + 1;
		}
		return new Folded<>(state, (last >= 0) ? StreamState.streamRevision(last) : StreamState.noStream());
	}

	private ReadResult readOrNull(String stream, ReadStreamOptions options) {
		try {
			return call("read of stream '" + stream + "'", () -> this.clients.client().readStream(stream, options));
		}
		catch (EmptyResultDataAccessException ex) {
			// A list read of an absent stream is an empty list, like a query without rows.
			if (ex.getCause() instanceof StreamNotFoundException) {
				return null;
			}
			throw ex;
		}
	}

	private static ReadStreamOptions toClientOptions(StreamReadOptions options) {
		ReadStreamOptions clientOptions = ReadStreamOptions.get()
			.direction(options.direction())
			.maxCount(options.maxCount())
			.resolveLinkTos(options.resolveLinks());
		if (options.fromRevision() != null) {
			clientOptions.fromRevision(options.fromRevision());
		}
		else if (options.direction() == Direction.Forwards) {
			clientOptions.fromStart();
		}
		else {
			clientOptions.fromEnd();
		}
		return clientOptions;
	}

	private static boolean isSystem(RecordedEvent event) {
		return event.getStreamId().startsWith("$") || event.getEventType().startsWith("$");
	}

	private <T> StoredEvent<T> toStoredEvent(ResolvedEvent resolved, Class<T> type, boolean strict) {
		RecordedEvent event = resolved.getEvent();
		if (event == null) {
			// A resolved link whose target is gone has nothing to deserialize.
			return null;
		}
		T payload;
		if (type == byte[].class) {
			payload = type.cast(event.getEventData());
		}
		else {
			Class<? extends T> payloadClass = payloadClass(event, type, strict);
			if (payloadClass == null) {
				return null;
			}
			try {
				payload = this.serializer.deserialize(event.getEventType(), event.getEventData(), payloadClass);
			}
			catch (EventSerializationException ex) {
				throw new EsdbEventTypeMappingException(event.getEventType(), "Cannot read event " + describe(event)
						+ " as " + payloadClass.getName() + ": " + ex.getMessage(), ex);
			}
		}
		return new StoredEvent<>(payload, this.envelopes.create(event, event.getPosition()));
	}

	private <T> Class<? extends T> payloadClass(RecordedEvent event, Class<T> type, boolean strict) {
		registerSealedSubtypes(type);
		String name = event.getEventType();
		Optional<Class<?>> mapped = this.types.classOf(name);
		if (mapped.isPresent()) {
			if (type.isAssignableFrom(mapped.get())) {
				return mapped.get().asSubclass(type);
			}
			if (!strict) {
				return null;
			}
			throw new EsdbEventTypeMappingException(name, "Event " + describe(event) + " has type '" + name
					+ "', which maps to " + mapped.get().getName() + ", not to a " + type.getName()
					+ "; read the stream as a common supertype of its events (a sealed interface, or Object.class)",
					null);
		}
		if (isConcrete(type) && this.types.typeNameOf(type).equals(name)) {
			this.types.register(type);
			return type;
		}
		if (!strict) {
			return null;
		}
		throw new EsdbEventTypeMappingException(name, "Event " + describe(event) + " has type '" + name
				+ "', which no class is mapped to. Map it by annotating the payload class with @EventType(\"" + name
				+ "\"), by setting esdb.serialization.types." + name + "=<fully qualified class name>, or by naming the"
				+ " class " + name + " and reading with that class (or a sealed interface that permits it)", null);
	}

	private void registerSealedSubtypes(Class<?> type) {
		// Lets a fresh application read its aggregate's events through the sealed interface before it appended any.
		if (!type.isSealed() || !this.sealedTypesRegistered.add(type)) {
			return;
		}
		for (Class<?> subtype : type.getPermittedSubclasses()) {
			if (isConcrete(subtype)) {
				this.types.register(subtype);
			}
			registerSealedSubtypes(subtype);
		}
	}

	private static boolean isConcrete(Class<?> type) {
		return type != Object.class && !type.isInterface() && !Modifier.isAbstract(type.getModifiers())
				&& !type.isArray() && !type.isPrimitive();
	}

	private static String describe(RecordedEvent event) {
		return event.getRevision() + "@" + event.getStreamId();
	}

	// ---- metadata ----

	@Override
	public EsdbStreamMetadata getStreamMetadata(String stream) {
		Assert.hasText(stream, "stream must not be empty");
		StreamMetadata metadata = call("read of metadata of stream '" + stream + "'",
				() -> this.clients.client().getStreamMetadata(stream));
		Map<String, Object> custom = (metadata.getCustomProperties() != null) ? metadata.getCustomProperties()
				: Map.of();
		return new EsdbStreamMetadata(metadata.getMaxCount(), seconds(metadata.getMaxAge()),
				metadata.getTruncateBefore(), seconds(metadata.getCacheControl()), custom);
	}

	@Override
	public AppendResult setStreamMetadata(String stream, EsdbStreamMetadata metadata) {
		return setStreamMetadata(stream, StreamState.any(), metadata);
	}

	@Override
	public AppendResult setStreamMetadata(String stream, StreamState expectedMetadataState,
			EsdbStreamMetadata metadata) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(expectedMetadataState, "expectedMetadataState must not be null");
		Assert.notNull(metadata, "metadata must not be null");
		metadata.custom().keySet().stream().filter((key) -> key.startsWith("$")).findFirst().ifPresent((key) -> {
			throw new InvalidDataAccessApiUsageException("Custom stream metadata key '" + key
					+ "' starts with '$', which KurrentDB reserves for its own settings");
		});
		StreamMetadata clientMetadata = new StreamMetadata();
		clientMetadata.setMaxCount(metadata.maxCount());
		clientMetadata.setMaxAge(toSeconds(metadata.maxAge()));
		clientMetadata.setTruncateBefore(metadata.truncateBefore());
		clientMetadata.setCacheControl(toSeconds(metadata.cacheControl()));
		if (!metadata.custom().isEmpty()) {
			clientMetadata.setCustomProperties(new LinkedHashMap<>(metadata.custom()));
		}
		String metastream = "$$" + stream;
		WriteResult result;
		try {
			result = call("write of metadata of stream '" + stream + "'",
					() -> this.clients.client()
						.setStreamMetadata(stream, AppendToStreamOptions.get().streamState(expectedMetadataState),
								clientMetadata));
		}
		catch (EsdbWrongExpectedVersionException ex) {
			throw withCallersExpectation(ex, expectedMetadataState);
		}
		return new AppendResult(metastream, result.getNextExpectedRevision().toRawLong(), result.getLogPosition());
	}

	private static Duration seconds(Long seconds) {
		return (seconds != null) ? Duration.ofSeconds(seconds) : null;
	}

	private static Long toSeconds(Duration duration) {
		return (duration != null) ? duration.toSeconds() : null;
	}

	// ---- delete ----

	@Override
	public Position deleteStream(String stream, StreamState expectedState) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(expectedState, "expectedState must not be null");
		return call("delete of stream '" + stream + "'",
				() -> this.clients.client().deleteStream(stream, DeleteStreamOptions.get().streamState(expectedState)))
			.getPosition();
	}

	@Override
	public Position tombstoneStream(String stream, StreamState expectedState) {
		Assert.hasText(stream, "stream must not be empty");
		Assert.notNull(expectedState, "expectedState must not be null");
		return call("tombstone of stream '" + stream + "'",
				() -> this.clients.client()
					.tombstoneStream(stream, DeleteStreamOptions.get().streamState(expectedState)))
			.getPosition();
	}

	// ---- escape hatch ----

	@Override
	public <T> T execute(Function<KurrentDBClient, CompletableFuture<T>> action) {
		Assert.notNull(action, "action must not be null");
		return call("client call", () -> action.apply(this.clients.client()));
	}

	private <T> T call(String operation, Supplier<CompletableFuture<T>> call) {
		try {
			return call.get().get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncategorizedEsdbException("Interrupted while waiting for " + operation
					+ "; the call may still complete on the server", ex);
		}
		catch (ExecutionException | RuntimeException ex) {
			throw this.translator.translate(operation, ex);
		}
	}

	/**
	 * The correlation and causation ids of one append.
	 */
	private record Correlation(String correlationId, String causationId) {

		static Correlation of(EventEnvelope handled) {
			if (handled == null) {
				return new Correlation(UUID.randomUUID().toString(), null);
			}
			// A handled event without a correlation id started its chain, so its own id names the chain.
			String correlationId = handled.correlationId().orElse(handled.eventId().toString());
			return new Correlation(correlationId, handled.eventId().toString());
		}

	}

	private static final class HandlerOrdinals {

		private final CurrentEvent.Invocation invocation;

		private final Map<String, Long> next = new HashMap<>();

		HandlerOrdinals(CurrentEvent.Invocation invocation) {
			this.invocation = invocation;
		}

	}

}
