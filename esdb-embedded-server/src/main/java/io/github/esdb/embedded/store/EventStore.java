package io.github.esdb.embedded.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log: one ordered log ({@code $all}) plus a per-stream index, in memory, and with {@link #open} also in
 * an append-only file that every commit reaches before it is answered (the durable mode). Thread safe.
 * <p>
 * Writes are serialised by one lock, so the commit order is the {@code $all} order and positions strictly increase
 * (the first record has position 1; commit and prepare positions are the same value). Reads never take the lock: a
 * reader holds a position or a revision (a cursor) and fetches shared {@link StoredEvent} records from the log, so
 * slow readers never make the store copy anything.
 * <p>
 * Live tailing: register a {@link #onCommit(Runnable) commit listener} (called after every commit, on the writer's
 * thread, so it must only schedule work) or block in {@link #awaitCommit(long, Duration)}.
 */
public final class EventStore {

	private static final Logger logger = LoggerFactory.getLogger(EventStore.class);

	private static final byte[] EMPTY = new byte[0];

	/** How many recent events of a stream an expected-any append compares ids against (idempotency window). */
	private static final int IDEMPOTENCY_WINDOW = 64;

	private final ObjectMapper json = new ObjectMapper();

	private final Clock clock;

	private final ReentrantLock writeLock = new ReentrantLock();

	private final Condition committed = this.writeLock.newCondition();

	/** Replaced by {@link #reset()}; positions then continue after {@link #base}. */
	private volatile CommitLog log = new CommitLog();

	/** The position of the last record before the last {@link #reset()}, 0 if never reset. */
	private volatile long base;

	private final Map<String, StreamRecord> streams = new ConcurrentHashMap<>();

	/** Event types are few; sharing the strings keeps them out of the per-event cost. */
	private final Map<String, String> types = new ConcurrentHashMap<>();

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	/** Listeners of the commits to one stream (or its metadata stream), by stream name. */
	private final Map<String, List<Runnable>> streamListeners = new ConcurrentHashMap<>();

	/** Writes derived records (system projections) in the same commit; null when none. */
	private volatile CommitHook commitHook;

	private long lastTicks;

	/** The log on disk of a durable store; null in memory, where nothing else is paid for durability. */
	private final LogFile file;

	/** Creates an empty store using the system clock. */
	public EventStore() {
		this(Clock.systemUTC());
	}

	/**
	 * Creates an empty store.
	 * @param clock the clock for {@code created} timestamps and {@code $maxAge}
	 */
	public EventStore(Clock clock) {
		this.clock = clock;
		this.file = null;
	}

	private EventStore(Clock clock, LogFile file) {
		this.clock = clock;
		this.file = file;
		this.base = file.base();
		file.recover(this::restore);
	}

	/**
	 * Opens a durable store on a data directory: locks it, reads back every complete commit of its log (cutting a
	 * torn or corrupt tail), and from then on writes every commit to the log before answering. Positions, revisions,
	 * ids and timestamps are those of the original writes. {@link #close()} releases the directory.
	 * @param directory the data directory, created when missing
	 * @param fsync when the log is forced to the disk
	 * @return the store with everything the directory held
	 * @throws IllegalStateException when another server holds the directory, or it holds no log of this server
	 * @throws java.io.UncheckedIOException when the directory cannot be read or written
	 */
	public static EventStore open(java.nio.file.Path directory, FsyncPolicy fsync) {
		LogFile file = LogFile.open(directory, fsync);
		try {
			return new EventStore(Clock.systemUTC(), file);
		}
		catch (RuntimeException ex) {
			file.close();
			throw ex;
		}
	}

	/** Puts a recovered record back where it was, with the effects its write had (metadata, tombstone). */
	private void restore(StoredEvent recovered) {
		if (recovered.position() != lastPosition() + 1) {
			throw new IllegalStateException("The log file holds position " + recovered.position() + " where "
					+ (lastPosition() + 1) + " was expected: it was not written by this server");
		}
		StreamRecord record = this.streams.computeIfAbsent(recovered.stream(), StreamRecord::new);
		StoredEvent event = new StoredEvent(record.name, recovered.revision(), recovered.position(),
				recovered.idMost(), recovered.idLeast(), this.types.computeIfAbsent(recovered.type(), (t) -> t),
				recovered.json(), recovered.data(), recovered.metadata(), recovered.created());
		this.log.add(event);
		this.lastTicks = Math.max(this.lastTicks, event.created());
		if (event.revision() == Long.MAX_VALUE && StoredEvent.STREAM_DELETED_TYPE.equals(event.type())) {
			record.tombstone();
			return;
		}
		record.add(this.log.size() - 1);
		if (record.name.startsWith("$$")) {
			applyMetadata(record.name.substring(2), event);
		}
	}

	/**
	 * Whether commits are kept on disk.
	 * @return true for a store made by {@link #open}
	 */
	public boolean durable() {
		return this.file != null;
	}

	/**
	 * Releases the data directory of a durable store after forcing its log to the disk; later writes fail. Nothing
	 * happens in memory.
	 */
	public void close() {
		if (this.file == null) {
			return;
		}
		this.writeLock.lock();
		try {
			this.file.close();
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** Before a write changes anything: a durable store that cannot write refuses it. Caller holds the lock. */
	private void checkWritable() {
		if (this.file != null) {
			this.file.checkWritable();
		}
	}

	/** Ends a commit: its records reach the log file before anyone is told. Caller holds the lock. */
	private void persist() {
		if (this.file != null) {
			this.file.commit(lastPosition());
		}
	}

	// ------------------------------------------------------------------ writes

	/**
	 * Appends events to one stream, checking the expected revision. Re-appending events whose ids are already the
	 * next events after the expected revision (or, for {@link ExpectedRevision#ANY}, among the stream's latest
	 * events) is idempotent and returns the original positions.
	 * @param stream the stream name (a {@code $$name} metastream updates name's metadata)
	 * @param expectedRevision the raw expected revision, see {@link ExpectedRevision}
	 * @param events the events to write
	 * @return the outcome; never throws for expected-version or deletion problems
	 */
	public AppendResult append(String stream, long expectedRevision, List<ProposedEvent> events) {
		return appendAtomically(List.of(new StreamAppend(stream, expectedRevision, events))).get(0);
	}

	/**
	 * Appends to several streams atomically: either every append is written or none is.
	 * @param appends the appends, each to a distinct stream
	 * @return one result per append, in order. If any is not a {@link AppendResult.Success}, nothing was written
	 * and the list holds the first failure only.
	 */
	public List<AppendResult> appendAtomically(List<StreamAppend> appends) {
		List<AppendResult> results = new ArrayList<>(appends.size());
		int before;
		this.writeLock.lock();
		try {
			checkWritable();
			before = this.log.size();
			List<AppendResult> checks = new ArrayList<>(appends.size());
			for (StreamAppend append : appends) {
				AppendResult check = check(append);
				if (!(check instanceof AppendResult.Success) && check != null) {
					return List.of(check);
				}
				checks.add(check);
			}
			for (int i = 0; i < appends.size(); i++) {
				AppendResult check = checks.get(i);
				results.add((check != null) ? check : write(appends.get(i)));
			}
			deriveFrom(before);
			persist();
			this.committed.signalAll();
		}
		finally {
			this.writeLock.unlock();
		}
		notifyListeners(before);
		return results;
	}

	/**
	 * Soft-deletes a stream: writes {@code $tb = Long.MAX_VALUE} into its metadata stream, merged with the existing
	 * metadata. Reads then report the stream as not found; a later append continues the numbering.
	 * @param stream the stream
	 * @param expectedRevision the raw expected revision
	 * @return success with the position of the metadata record, or a failure
	 */
	public AppendResult softDelete(String stream, long expectedRevision) {
		return delete(stream, expectedRevision, (record) -> {
			StoredEvent meta = writeMetadata(stream, Long.MAX_VALUE);
			return new AppendResult.Success(stream, (record != null) ? record.lastRevision() : -1, meta.position());
		});
	}

	/**
	 * Tombstones (hard-deletes) a stream: a {@code $streamDeleted} record is written to it and every later append,
	 * read or subscription reports the stream as deleted.
	 * @param stream the stream
	 * @param expectedRevision the raw expected revision
	 * @return success with the position of the tombstone record, or a failure
	 */
	public AppendResult tombstone(String stream, long expectedRevision) {
		return delete(stream, expectedRevision, (existing) -> {
			StreamRecord record = this.streams.computeIfAbsent(stream, StreamRecord::new);
			StoredEvent tombstone = addToLog(record.name, Long.MAX_VALUE, UUID.randomUUID(),
					StoredEvent.STREAM_DELETED_TYPE, false, EMPTY, EMPTY);
			record.tombstone();
			return new AppendResult.Success(stream, record.lastRevision(), tombstone.position());
		});
	}

	/**
	 * Runs a soft or hard delete under the write lock: checks the expected revision, then writes with
	 * {@code deletion} (given the stream's record, null when never written) and wakes readers and listeners.
	 */
	private AppendResult delete(String stream, long expectedRevision, Function<StreamRecord, AppendResult> deletion) {
		AppendResult result;
		int before;
		this.writeLock.lock();
		try {
			StreamRecord record = this.streams.get(stream);
			before = this.log.size();
			result = checkDelete(stream, record, expectedRevision);
			if (result == null) {
				checkWritable();
				result = deletion.apply(record);
				deriveFrom(before);
				persist();
				this.committed.signalAll();
			}
		}
		finally {
			this.writeLock.unlock();
		}
		notifyListeners(before);
		return result;
	}

	private AppendResult checkDelete(String stream, StreamRecord record, long expected) {
		if (record != null && record.tombstoned()) {
			return new AppendResult.StreamDeleted(stream, true);
		}
		long actual = (record != null) ? record.lastRevision() : -1;
		// Deletes go through the same commit check as appends: a soft-deleted stream is "deleted" to
		// StreamExists and "absent" to NoStream.
		boolean softDeleted = record != null && record.softDeleted();
		if (softDeleted && expected == ExpectedRevision.STREAM_EXISTS) {
			return new AppendResult.StreamDeleted(stream, false);
		}
		boolean ok;
		if (expected == ExpectedRevision.ANY) {
			ok = true;
		}
		else if (expected == ExpectedRevision.NO_STREAM) {
			ok = actual < 0 || softDeleted;
		}
		else if (expected == ExpectedRevision.STREAM_EXISTS) {
			ok = actual >= 0;
		}
		else {
			ok = expected == actual;
		}
		return ok ? null : new AppendResult.WrongExpectedVersion(stream, expected, actual);
	}

	/** Returns null when the append must be written, else its final result (failure or idempotent success). */
	private AppendResult check(StreamAppend append) {
		StreamRecord record = this.streams.get(append.stream());
		long expected = append.expectedRevision();
		if (record == null) {
			if (expected == ExpectedRevision.ANY || expected == ExpectedRevision.NO_STREAM) {
				return null;
			}
			return new AppendResult.WrongExpectedVersion(append.stream(), expected, -1);
		}
		if (record.tombstoned()) {
			return new AppendResult.StreamDeleted(append.stream(), true);
		}
		long last = record.lastRevision();
		boolean softDeleted = record.softDeleted();
		if (expected == ExpectedRevision.STREAM_EXISTS) {
			if (softDeleted) {
				return new AppendResult.StreamDeleted(append.stream(), false);
			}
			return (last >= 0) ? idempotentOrNull(record, append, -1, true)
					: new AppendResult.WrongExpectedVersion(append.stream(), expected, last);
		}
		if (expected == ExpectedRevision.ANY) {
			return idempotentOrNull(record, append, -1, true);
		}
		long expectedLast = expected;
		if (expected == ExpectedRevision.NO_STREAM) {
			if (softDeleted) {
				return null;
			}
			expectedLast = -1;
		}
		if (expectedLast == last) {
			return null;
		}
		if (expectedLast < last) {
			AppendResult idempotent = idempotentOrNull(record, append, expectedLast + 1, false);
			if (idempotent != null) {
				return idempotent;
			}
		}
		return new AppendResult.WrongExpectedVersion(append.stream(), expected, last);
	}

	/**
	 * When the proposed ids are already written consecutively (from {@code firstRevision}, or anywhere in the
	 * recent window when searching) the append already happened: report its original result.
	 */
	private AppendResult idempotentOrNull(StreamRecord record, StreamAppend append, long firstRevision,
			boolean search) {
		List<ProposedEvent> events = append.events();
		if (events.isEmpty()) {
			return null;
		}
		long count = record.count();
		UUID first = events.get(0).id();
		long start = firstRevision;
		if (search) {
			start = -1;
			for (long rev = Math.max(0, count - IDEMPOTENCY_WINDOW); rev < count; rev++) {
				StoredEvent e = this.log.get(record.logIndex(rev));
				if (e.idMost() == first.getMostSignificantBits() && e.idLeast() == first.getLeastSignificantBits()) {
					start = rev;
					break;
				}
			}
			if (start < 0) {
				return null;
			}
		}
		if (start + events.size() > count) {
			return null;
		}
		StoredEvent last = null;
		for (int i = 0; i < events.size(); i++) {
			StoredEvent e = this.log.get(record.logIndex(start + i));
			UUID id = events.get(i).id();
			if (e.idMost() != id.getMostSignificantBits() || e.idLeast() != id.getLeastSignificantBits()) {
				return null;
			}
			last = e;
		}
		logger.debug("Idempotent re-append of {} event(s) to {}", events.size(), record.name);
		return new AppendResult.Success(record.name, last.revision(), last.position());
	}

	private AppendResult write(StreamAppend append) {
		StreamRecord record = this.streams.computeIfAbsent(append.stream(), StreamRecord::new);
		if (append.events().isEmpty()) {
			return new AppendResult.Success(append.stream(), record.lastRevision(), -1);
		}
		if (record.softDeleted() && !append.stream().startsWith("$$")) {
			// Undelete: numbering continues and $tb moves to the first new event so older events stay hidden.
			writeMetadata(append.stream(), record.lastRevision() + 1);
		}
		StoredEvent last = null;
		for (ProposedEvent event : append.events()) {
			last = addToLog(record.name, record.lastRevision() + 1, event.id(), event.type(), event.json(),
					event.data(), (event.metadata().length == 0) ? EMPTY : event.metadata());
			record.add(this.log.size() - 1);
		}
		if (append.stream().startsWith("$$")) {
			applyMetadata(append.stream().substring(2), last);
		}
		return new AppendResult.Success(append.stream(), record.lastRevision(), last.position());
	}

	/**
	 * Sets the hook that derives records from every commit (the system projections), or removes it.
	 * @param hook the hook, null for none
	 */
	public void commitHook(CommitHook hook) {
		this.commitHook = hook;
	}

	/**
	 * Runs derived writes outside of a client commit (e.g. a projection catching up after being enabled) under the
	 * write lock, then wakes readers and listeners like a commit.
	 * @param work writes through the given writer
	 */
	public void writeDerived(java.util.function.Consumer<DerivedWriter> work) {
		int before;
		this.writeLock.lock();
		try {
			before = this.log.size();
			checkWritable();
			work.accept(this::appendDerived);
			persist();
			this.committed.signalAll();
		}
		finally {
			this.writeLock.unlock();
		}
		notifyListeners(before);
	}

	/** Hands the records committed since log index {@code before} to the hook; caller holds the write lock. */
	private void deriveFrom(int before) {
		CommitHook hook = this.commitHook;
		int after = this.log.size();
		if (hook == null || after == before) {
			return;
		}
		List<StoredEvent> records = new ArrayList<>(after - before);
		for (int i = before; i < after; i++) {
			records.add(this.log.get(i));
		}
		try {
			hook.committed(records, this::appendDerived);
		}
		catch (RuntimeException ex) {
			// The client's events are committed; a failing projection must not turn that into an error.
			logger.warn("Deriving records (system projections) from a commit failed", ex);
		}
	}

	private StoredEvent appendDerived(String stream, String type, boolean json, byte[] data, byte[] metadata) {
		StreamRecord record = this.streams.get(stream);
		if (record != null && record.tombstoned()) {
			return null;
		}
		StreamAppend append = new StreamAppend(stream, ExpectedRevision.ANY,
				List.of(new ProposedEvent(derivedId(), type, json, data, metadata)));
		write(append);
		return this.log.get(this.log.size() - 1);
	}

	/**
	 * A random (version 4) id for a derived record. Ids only need to be unique here, and {@link UUID#randomUUID()}'s
	 * SecureRandom cost several times the rest of writing a link, several links per appended event.
	 */
	private static UUID derivedId() {
		java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
		long most = (random.nextLong() & ~0xF000L) | 0x4000L;
		long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(most, least);
	}

	private StoredEvent writeMetadata(String stream, long truncateBefore) {
		String metaStream = "$$" + stream;
		StreamRecord metaRecord = this.streams.computeIfAbsent(metaStream, StreamRecord::new);
		ObjectNode node = null;
		if (metaRecord.count() > 0) {
			StoredEvent current = this.log.get(metaRecord.logIndex(metaRecord.lastRevision()));
			node = parseObject(current.data());
		}
		if (node == null) {
			node = this.json.createObjectNode();
		}
		node.put("$tb", truncateBefore);
		byte[] data = node.toString().getBytes(StandardCharsets.UTF_8);
		StoredEvent meta = addToLog(metaStream, metaRecord.lastRevision() + 1, UUID.randomUUID(),
				StoredEvent.METADATA_TYPE, true, data, EMPTY);
		metaRecord.add(this.log.size() - 1);
		applyMetadata(stream, meta);
		return meta;
	}

	private void applyMetadata(String stream, StoredEvent metaEvent) {
		ObjectNode node = parseObject(metaEvent.data());
		StreamMetadata metadata = (node == null) ? StreamMetadata.NONE
				: new StreamMetadata(longOrNull(node, "$maxCount"), longOrNull(node, "$maxAge"),
						longOrNull(node, "$tb"));
		this.streams.computeIfAbsent(stream, StreamRecord::new).metadata(metadata);
	}

	private ObjectNode parseObject(byte[] data) {
		try {
			JsonNode node = this.json.readTree(data);
			return (node instanceof ObjectNode object) ? object : null;
		}
		catch (Exception ex) {
			// Metadata that is not a JSON object simply has no effect, like on a real node.
			return null;
		}
	}

	private static Long longOrNull(ObjectNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.canConvertToLong()) ? value.asLong() : null;
	}

	private StoredEvent addToLog(String stream, long revision, UUID id, String type, boolean json, byte[] data,
			byte[] metadata) {
		long position = lastPosition() + 1L;
		StoredEvent event = new StoredEvent(stream, revision, position, id.getMostSignificantBits(),
				id.getLeastSignificantBits(), this.types.computeIfAbsent(type, t -> t), json, data, metadata,
				nextTicks());
		this.log.add(event);
		if (this.file != null) {
			this.file.add(event);
		}
		return event;
	}

	/** 100 ns ticks since the epoch; kept strictly increasing so events are never created "before" older ones. */
	private long nextTicks() {
		Instant now = this.clock.instant();
		long ticks = now.getEpochSecond() * 10_000_000L + now.getNano() / 100;
		this.lastTicks = Math.max(ticks, this.lastTicks + 1);
		return this.lastTicks;
	}

	/**
	 * Runs the listeners of every commit, and those of the streams written since log index {@code before} (a stream
	 * listener also hears of its metadata stream). Records committed after this commit may be looked at too: a
	 * listener woken once too often only finds nothing new.
	 */
	private void notifyListeners(int before) {
		for (Runnable listener : this.listeners) {
			run(listener);
		}
		if (this.streamListeners.isEmpty()) {
			return;
		}
		CommitLog current = this.log;
		int after = current.size();
		if (after < before) {
			// The store was reset meanwhile: wake every stream listener rather than guess.
			this.streamListeners.values().forEach((listeners) -> listeners.forEach(EventStore::run));
			return;
		}
		String previous = null;
		Set<String> woken = (after - before > 1) ? new HashSet<>() : null;
		for (int i = before; i < after; i++) {
			String stream = current.get(i).stream();
			if (stream.equals(previous) || (woken != null && !woken.add(stream))) {
				continue;
			}
			previous = stream;
			notifyStream(stream);
			if (stream.startsWith("$$")) {
				notifyStream(stream.substring(2));
			}
		}
	}

	private void notifyStream(String stream) {
		List<Runnable> listeners = this.streamListeners.get(stream);
		if (listeners != null) {
			listeners.forEach(EventStore::run);
		}
	}

	private static void run(Runnable listener) {
		try {
			listener.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Commit listener failed", ex);
		}
	}

	// ------------------------------------------------------------------ reads

	/**
	 * Position of the last committed record.
	 * @return the position, 0 when the log is empty
	 */
	public long lastPosition() {
		return this.base + this.log.size();
	}

	/**
	 * The record at an exact log position.
	 * @param position a position previously handed out
	 * @return the record, or empty when no record has that position
	 */
	public Optional<StoredEvent> eventAt(long position) {
		long index = position - 1 - this.base;
		if (index < 0 || index >= this.log.size()) {
			return Optional.empty();
		}
		return Optional.of(this.log.get((int) index));
	}

	/**
	 * Reads {@code $all} forwards, including the record at {@code fromPosition} (positions between records start at
	 * the next record). No filtering: system records are included.
	 * @param fromPosition the first position to include
	 * @param max the maximum number of records
	 * @return the records in commit order, possibly empty
	 */
	public List<StoredEvent> readAllForwards(long fromPosition, int max) {
		int size = this.log.size();
		long start = Math.max(0, fromPosition - 1 - this.base);
		if (start >= size || max <= 0) {
			return Collections.emptyList();
		}
		int end = (int) Math.min(size, start + max);
		List<StoredEvent> events = new ArrayList<>(end - (int) start);
		for (int i = (int) start; i < end; i++) {
			events.add(this.log.get(i));
		}
		return events;
	}

	/**
	 * Reads {@code $all} backwards, starting with the last record strictly before {@code beforePosition}.
	 * @param beforePosition exclusive upper bound; use {@code lastPosition() + 1} to start at the head
	 * @param max the maximum number of records
	 * @return the records in reverse commit order, possibly empty
	 */
	public List<StoredEvent> readAllBackwards(long beforePosition, int max) {
		int size = this.log.size();
		long endExclusive = Math.min(size, Math.max(0, beforePosition - 1 - this.base));
		if (endExclusive <= 0 || max <= 0) {
			return Collections.emptyList();
		}
		int start = (int) Math.max(0, endExclusive - max);
		List<StoredEvent> events = new ArrayList<>((int) endExclusive - start);
		for (int i = (int) endExclusive - 1; i >= start; i--) {
			events.add(this.log.get(i));
		}
		return events;
	}

	/**
	 * Reads a stream honouring {@code $tb}, {@code $maxCount} and {@code $maxAge} (metastreams show their latest
	 * event only).
	 * @param stream the stream
	 * @param fromRevision the first revision to return (inclusive); {@link Long#MAX_VALUE} means "the end"
	 * @param forwards the direction
	 * @param max the maximum number of events
	 * @return not found, deleted, or the visible events
	 */
	public StreamReadResult readStream(String stream, long fromRevision, boolean forwards, long max) {
		StreamRecord record = this.streams.get(stream);
		if (record != null && record.tombstoned()) {
			return new StreamReadResult.Deleted();
		}
		if (record == null || record.count() == 0 || record.softDeleted()) {
			return new StreamReadResult.NotFound();
		}
		long count = record.count();
		long last = count - 1;
		long first = firstVisibleRevision(record, count);
		List<StoredEvent> events = new ArrayList<>((int) Math.min(Math.max(0, max), 512));
		if (forwards) {
			for (long rev = Math.max(first, fromRevision); rev <= last && events.size() < max; rev++) {
				events.add(this.log.get(record.logIndex(rev)));
			}
		}
		else {
			for (long rev = Math.min(last, fromRevision); rev >= first && events.size() < max; rev--) {
				events.add(this.log.get(record.logIndex(rev)));
			}
		}
		return new StreamReadResult.Events(events, first, last);
	}

	private long firstVisibleRevision(StreamRecord record, long count) {
		StreamMetadata metadata = record.metadata();
		long first = 0;
		if (metadata.truncateBefore() != null) {
			first = Math.max(first, metadata.truncateBefore());
		}
		if (metadata.maxCount() != null) {
			first = Math.max(first, count - metadata.maxCount());
		}
		if (metadata.maxAgeSeconds() != null) {
			Instant cutoff = this.clock.instant().minusSeconds(metadata.maxAgeSeconds());
			long cutoffTicks = cutoff.getEpochSecond() * 10_000_000L + cutoff.getNano() / 100;
			// Created times increase with revision: skip forward past the expired prefix.
			long lo = first;
			long hi = count;
			while (lo < hi) {
				long mid = (lo + hi) >>> 1;
				if (this.log.get(record.logIndex(mid)).created() < cutoffTicks) {
					lo = mid + 1;
				}
				else {
					hi = mid;
				}
			}
			first = lo;
		}
		return first;
	}

	/**
	 * One event of a stream by revision, ignoring metadata-based visibility (used to resolve links).
	 * @param stream the stream
	 * @param revision the revision
	 * @return the event, or empty when absent or the stream is deleted
	 */
	public Optional<StoredEvent> readEvent(String stream, long revision) {
		StreamRecord record = this.streams.get(stream);
		if (record == null || record.tombstoned() || revision < 0 || revision >= record.count()) {
			return Optional.empty();
		}
		if (revision < firstVisibleRevision(record, record.count())) {
			return Optional.empty();
		}
		return Optional.of(this.log.get(record.logIndex(revision)));
	}

	/**
	 * The target of a {@code $>} link record (data {@code "<revision>@<stream>"}).
	 * @param link a link record
	 * @return the target, or empty when the record is not a link or the target is gone (deleted, truncated)
	 */
	public Optional<StoredEvent> resolveLink(StoredEvent link) {
		if (!link.isLink()) {
			return Optional.empty();
		}
		String pointer = new String(link.data(), StandardCharsets.UTF_8);
		int at = pointer.indexOf('@');
		if (at <= 0) {
			return Optional.empty();
		}
		try {
			return readEvent(pointer.substring(at + 1), Long.parseLong(pointer.substring(0, at).trim()));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * A snapshot of a stream's state.
	 * @param stream the stream
	 * @return the state; a stream never written has last revision -1
	 */
	public StreamInfo streamInfo(String stream) {
		StreamRecord record = this.streams.get(stream);
		if (record == null) {
			return new StreamInfo(stream, -1, false, false, StreamMetadata.NONE);
		}
		return new StreamInfo(stream, record.lastRevision(), record.tombstoned(), record.softDeleted(),
				record.metadata());
	}

	/**
	 * Removes every stream and every record, as if the store were new, except that positions go on after the last
	 * one handed out: a client that resumes from a position it saw before the reset misses none of the records
	 * written after it. Readers must not run meanwhile ({@code EmbeddedEsdbServer.reset()} stops the server around
	 * it).
	 */
	public void reset() {
		this.writeLock.lock();
		try {
			long newBase = lastPosition();
			if (this.file != null) {
				this.file.reset(newBase);
			}
			this.base = newBase;
			this.log = new CommitLog();
			this.streams.clear();
			this.committed.signalAll();
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * The names of every stream written (metastreams included) since the last {@link #reset()}.
	 * @return a snapshot of the names
	 */
	public java.util.Set<String> streamNames() {
		return java.util.Set.copyOf(this.streams.keySet());
	}

	/**
	 * Number of records in the log (since the last {@link #reset()}).
	 * @return the count
	 */
	public int size() {
		return this.log.size();
	}

	// ------------------------------------------------------------------ live tailing

	/**
	 * Registers a listener called after every commit, on the committing thread. It must not block: schedule the
	 * actual reading elsewhere and read from your own cursor position.
	 * @param listener the listener
	 * @return a handle removing it
	 */
	public Registration onCommit(Runnable listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Registers a listener called after every commit that wrote to one stream or to its metadata stream, on the
	 * committing thread: a subscription to one stream need not wake for the writes to every other (with many
	 * subscriptions, each of their checkpoint writes woke all of them). Same rules as {@link #onCommit(Runnable)}.
	 * @param stream the stream
	 * @param listener the listener
	 * @return a handle removing it
	 */
	public Registration onCommit(String stream, Runnable listener) {
		// Added inside compute: a removal emptying the list meanwhile must not leave it orphaned.
		this.streamListeners.compute(stream, (name, listeners) -> {
			List<Runnable> target = (listeners != null) ? listeners : new CopyOnWriteArrayList<>();
			target.add(listener);
			return target;
		});
		return () -> this.streamListeners.computeIfPresent(stream, (name, listeners) -> {
			listeners.remove(listener);
			return listeners.isEmpty() ? null : listeners;
		});
	}

	/**
	 * Blocks until the log holds a record after {@code afterPosition} or the timeout passes.
	 * @param afterPosition the last position already seen
	 * @param timeout the maximum wait
	 * @return true when a newer record exists
	 * @throws InterruptedException when interrupted
	 */
	public boolean awaitCommit(long afterPosition, Duration timeout) throws InterruptedException {
		long nanos = timeout.toNanos();
		this.writeLock.lock();
		try {
			while (lastPosition() <= afterPosition) {
				if (nanos <= 0) {
					return false;
				}
				nanos = this.committed.awaitNanos(nanos);
			}
			return true;
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Converts a time to the {@code created} tick encoding.
	 * @param instant the time
	 * @return 100 ns ticks since the Unix epoch
	 */
	public static long toTicks(Instant instant) {
		return instant.getEpochSecond() * 10_000_000L + instant.getNano() / 100;
	}

}
