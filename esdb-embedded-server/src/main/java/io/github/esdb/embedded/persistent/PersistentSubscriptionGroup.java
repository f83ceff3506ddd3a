package io.github.esdb.embedded.persistent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.embedded.grpc.EventFilter;
import io.github.esdb.embedded.store.EventStore;
import io.github.esdb.embedded.store.Registration;
import io.github.esdb.embedded.store.StoredEvent;
import io.github.esdb.embedded.store.StreamReadResult;
import io.grpc.StatusRuntimeException;

/**
 * The running state of one persistent subscription group: it reads its source (a stream or {@code $all}) into a
 * bounded buffer, hands events to subscribers through its {@link ConsumerStrategy}, tracks them until acked,
 * retries, parks and checkpoints, following the real server's {@code PersistentSubscription}.
 * <p>
 * Concurrency: one monitor guards everything. Acks, nacks and new subscribers push inline on the calling (gRPC)
 * thread; new commits, flow-control wake-ups and the timer push on the server executor. The store's commit
 * listener only sets a flag and submits a task, so writers never wait for a group.
 * <p>
 * A group filtered by a regex reads its source (and so evaluates the user's expression) only in tasks on the
 * server's filter executor: pushes triggered elsewhere just send what is buffered and schedule such a task. When the
 * expression is too expensive for a record, the group stops reading and its subscribers' calls, and later
 * subscribe attempts, end with that INVALID_ARGUMENT until the group is updated, restarted or deleted.
 * <p>
 * Checkpoints follow the real server: every event read gets a sequence number; the checkpoint is the position just
 * before the oldest event still in flight or waiting for a retry (or the last pushed event when there is none), and
 * it is written after {@code maxCheckpointCount} events, or on the timer after {@code checkpointAfter} when at
 * least {@code minCheckpointCount} events were processed. A restart resumes after the checkpoint, so delivery is
 * at least once.
 */
public final class PersistentSubscriptionGroup {

	private static final Logger logger = LoggerFactory.getLogger(PersistentSubscriptionGroup.class);

	/** Bounds the records one pump scans, so a long catch-up yields the shared executor between rounds. */
	private static final int MAX_SCAN_PER_PUMP = 4096;

	private final GroupDefinition definition;

	private final GroupSettings settings;

	private final EventStore store;

	private final ScheduledExecutorService executor;

	/** Where reads run: the filter executor for a regex filter, else {@link #executor}. */
	private final Executor readExecutor;

	/** Whether reading (filter evaluation) must happen on {@link #readExecutor} only. */
	private final boolean isolatedReads;

	private final ConsumerStrategy strategy;

	private final ParkedMessages parked;

	private final Checkpoints checkpoints;

	private final EventFilter filter;

	private final List<SubscriberConnection> subscribers = new ArrayList<>();

	private final ArrayDeque<Message> buffer = new ArrayDeque<>();

	private final ArrayDeque<Message> retry = new ArrayDeque<>();

	/** In delivery order; with one timeout for all, deadlines are increasing too. */
	private final Map<UUID, InFlight> outstanding = new LinkedHashMap<>();

	private final AtomicBoolean pumpScheduled = new AtomicBoolean();

	private final AtomicBoolean tickScheduled = new AtomicBoolean();

	/** True while the current thread runs a task of {@link #readExecutor}, i.e. may read and filter. */
	private boolean inReadTask;

	/** Set when the filter could not be evaluated: the group reads no more. */
	private StatusRuntimeException fault;

	private final long messageTimeoutNanos;

	private final long checkpointAfterNanos;

	private Registration commitRegistration;

	private ScheduledFuture<?> timer;

	private boolean stopped;

	/** The next stream revision, or log position for {@code $all}, to read (inclusive). */
	private long nextRead;

	private boolean caughtUp;

	/** Position of the last record read or filtered out: the "previous position" of the next event read. */
	private Long lastReadPosition;

	private Long lastKnownEventPosition;

	private long nextSequence;

	private long lastKnownSequence = -1;

	private Long lastKnownPosition;

	private long lastCheckpointedSequence = -1;

	private Long lastCheckpointPosition;

	private boolean checkpointWritten;

	private long lastCheckpointNanos;

	private long totalItems;

	private long itemsAtLastMeasurement;

	private long lastMeasurementNanos = System.nanoTime();

	private long nextSubscriberId;

	private PersistentSubscriptionGroup(GroupDefinition definition, EventStore store,
			ScheduledExecutorService executor, Executor filterExecutor) {
		this.definition = definition;
		this.settings = definition.settings();
		this.store = store;
		this.executor = executor;
		this.strategy = ConsumerStrategy.create(this.settings.consumerStrategy());
		this.parked = new ParkedMessages(store, definition.parkedStream());
		this.checkpoints = new Checkpoints(store, definition);
		this.filter = (definition.filter() != null) ? definition.filter().compile() : EventFilter.DEFAULT;
		this.isolatedReads = this.filter.usesRegex();
		this.readExecutor = this.isolatedReads ? filterExecutor : executor;
		this.messageTimeoutNanos = (this.settings.messageTimeoutMs() > 0)
				? TimeUnit.MILLISECONDS.toNanos(this.settings.messageTimeoutMs()) : Long.MAX_VALUE;
		this.checkpointAfterNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, this.settings.checkpointAfterMs()));
	}

	/**
	 * Starts a group: loads its checkpoint (or resolves its start position), then begins reading.
	 * @param definition the definition
	 * @param store the store
	 * @param executor where pushes and the timer run
	 * @return the running group
	 */
	public static PersistentSubscriptionGroup start(GroupDefinition definition, EventStore store,
			ScheduledExecutorService executor) {
		return start(definition, store, executor, executor);
	}

	/**
	 * Starts a group: loads its checkpoint (or resolves its start position), then begins reading.
	 * @param definition the definition
	 * @param store the store
	 * @param executor where pushes and the timer run
	 * @param filterExecutor where a group filtered by a regex reads (evaluates the expression) and ticks
	 * @return the running group
	 */
	public static PersistentSubscriptionGroup start(GroupDefinition definition, EventStore store,
			ScheduledExecutorService executor, Executor filterExecutor) {
		PersistentSubscriptionGroup group = new PersistentSubscriptionGroup(definition, store, executor,
				filterExecutor);
		group.begin();
		return group;
	}

	private synchronized void begin() {
		Long checkpoint = this.checkpoints.load();
		if (checkpoint != null) {
			// Resume after the checkpointed event, with the sequence bookkeeping the real server starts with.
			this.nextRead = checkpoint + 1;
			this.nextSequence = 1;
			this.lastCheckpointedSequence = 0;
			this.lastKnownSequence = 0;
			this.lastKnownPosition = checkpoint;
			this.lastCheckpointPosition = checkpoint;
			this.lastReadPosition = checkpoint;
			logger.debug("Group {} resumes after checkpoint {}", this.definition.key(), checkpoint);
		}
		else if (this.definition.startFrom() < 0) {
			// "End" means events committed from now on.
			this.nextRead = sourceEnd() + 1;
			this.caughtUp = true;
		}
		else {
			this.nextRead = this.definition.startFrom();
		}
		// A group on one stream wakes for commits to that stream only, not for its own checkpoint writes.
		this.commitRegistration = this.definition.isAll() ? this.store.onCommit(this::schedulePump)
				: this.store.onCommit(this.definition.stream(), this::schedulePump);
		long period = timerPeriodMillis();
		try {
			Runnable tick = this.isolatedReads ? this::scheduleTick : this::tick;
			this.timer = this.executor.scheduleWithFixedDelay(tick, period, period, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Executor stopped; group {} has no timer", this.definition.key());
		}
		schedulePump();
	}

	/** The real server ticks every second; shorter timeouts need a finer tick to be honoured. */
	private long timerPeriodMillis() {
		long period = 1000;
		if (this.settings.messageTimeoutMs() > 0) {
			period = Math.min(period, this.settings.messageTimeoutMs() / 4);
		}
		if (this.settings.checkpointAfterMs() > 0) {
			period = Math.min(period, this.settings.checkpointAfterMs() / 2);
		}
		return Math.max(10, period);
	}

	/** Last revision of the stream, or last log position for {@code $all}; -1 or 0 when empty. */
	private long sourceEnd() {
		return this.definition.isAll() ? this.store.lastPosition()
				: this.store.streamInfo(this.definition.stream()).lastRevision();
	}

	/**
	 * The group's definition.
	 * @return the definition
	 */
	public GroupDefinition definition() {
		return this.definition;
	}

	// ------------------------------------------------------------------ subscribers

	/**
	 * Connects a subscriber unless the group is full.
	 * @param subscriber the subscriber
	 * @param bufferSize its maximum number of un-acked events
	 * @param from the peer address
	 * @param username the user, empty when anonymous
	 * @param connectionName the client's connection name
	 * @param confirm run under the group lock before any event can be delivered (sends the confirmation)
	 * @return a handle for acks, nacks and disconnection, or null when {@code maxSubscriberCount} is reached
	 */
	public synchronized Handle subscribe(Subscriber subscriber, int bufferSize, String from, String username,
			String connectionName, Runnable confirm) {
		if (this.stopped) {
			subscriber.drop(Subscriber.DropReason.UNSUBSCRIBED);
			return null;
		}
		if (this.fault != null) {
			subscriber.failed(this.fault);
			return null;
		}
		int max = this.settings.maxSubscriberCount();
		// The real server's rule: 0 is unlimited, anything else (a negative count too) is reached at that size.
		if (max != 0 && this.subscribers.size() >= max) {
			return null;
		}
		confirm.run();
		SubscriberConnection connection = new SubscriberConnection(this.nextSubscriberId++, subscriber, bufferSize,
				from, username, connectionName);
		this.subscribers.add(connection);
		pump();
		return new Handle(connection);
	}

	private synchronized void unsubscribe(SubscriberConnection connection) {
		if (!this.subscribers.remove(connection)) {
			return;
		}
		this.strategy.removed(connection);
		List<InFlight> lost = new ArrayList<>();
		for (UUID id : connection.inFlight) {
			InFlight inFlight = this.outstanding.remove(id);
			if (inFlight != null) {
				lost.add(inFlight);
			}
		}
		connection.inFlight.clear();
		// Like the real server: everything the subscriber had not acked goes back for another attempt, in order.
		lost.sort(Comparator.comparingLong((InFlight inFlight) -> inFlight.message.sequence()));
		for (InFlight inFlight : lost) {
			this.retry.addLast(inFlight.message.retried());
		}
		pump();
	}

	/**
	 * Asks for a push on the executor, e.g. when a subscriber's transport became ready again. Cheap and safe from
	 * any thread.
	 */
	public void wakeUp() {
		schedulePump();
	}

	private void schedulePump() {
		if (this.pumpScheduled.compareAndSet(false, true)) {
			try {
				this.readExecutor.execute(() -> {
					this.pumpScheduled.set(false);
					synchronized (this) {
						this.inReadTask = true;
						try {
							pump();
						}
						finally {
							this.inReadTask = false;
						}
					}
				});
			}
			catch (RejectedExecutionException ex) {
				this.pumpScheduled.set(false);
			}
		}
	}

	/** The timer of a regex-filtered group only hands the tick to the filter executor. */
	private void scheduleTick() {
		if (this.tickScheduled.compareAndSet(false, true)) {
			try {
				this.readExecutor.execute(() -> {
					this.tickScheduled.set(false);
					tick();
				});
			}
			catch (RejectedExecutionException ex) {
				this.tickScheduled.set(false);
			}
		}
	}

	// ------------------------------------------------------------------ acks and nacks

	private synchronized void ack(Collection<UUID> ids) {
		for (UUID id : ids) {
			finish(id);
		}
		tryCheckpoint(false);
		pump();
	}

	private synchronized void nack(Collection<UUID> ids, NackAction action, String reason) {
		for (UUID id : ids) {
			InFlight inFlight = this.outstanding.get(id);
			if (inFlight == null) {
				continue;
			}
			switch (action) {
				case RETRY, UNKNOWN -> {
					finish(id);
					retryOrPark(inFlight.message);
				}
				case PARK -> {
					finish(id);
					this.parked.park(inFlight.message, "Client explicitly NAK'ed message.\n" + reason);
				}
				// Skip drops the event as if acked.
				case SKIP -> finish(id);
				// Stop has no server-side action on the real server: the event stays outstanding and is retried after
				// the message timeout or when its consumer goes, like any other un-acked event.
				case STOP -> {
				}
			}
		}
		tryCheckpoint(false);
		pump();
	}

	/** Stops tracking an event delivered to a subscriber. */
	private InFlight finish(UUID id) {
		InFlight inFlight = this.outstanding.remove(id);
		if (inFlight != null) {
			inFlight.subscriber.inFlight.remove(id);
		}
		return inFlight;
	}

	private void retryOrPark(Message message) {
		if (message.retryCount() >= this.settings.maxRetryCount()) {
			this.parked.park(message, "Reached retry count of " + this.settings.maxRetryCount());
		}
		else {
			this.retry.addLast(message.retried());
		}
	}

	/**
	 * Redelivers parked events and removes them from the parked stream.
	 * @param stopAt exclusive upper bound on parked-stream revisions, {@link Long#MAX_VALUE} for all
	 */
	public synchronized void replayParked(long stopAt) {
		this.retry.addAll(this.parked.replay(stopAt));
		pump();
	}

	// ------------------------------------------------------------------ timer

	private void tick() {
		try {
			synchronized (this) {
				if (this.stopped) {
					return;
				}
				long now = System.nanoTime();
				Iterator<InFlight> it = this.outstanding.values().iterator();
				while (it.hasNext()) {
					InFlight inFlight = it.next();
					if (inFlight.deadline - now > 0) {
						break;
					}
					it.remove();
					inFlight.subscriber.inFlight.remove(inFlight.message.id());
					logger.debug("Message {} of {} timed out", inFlight.message.id(), this.definition.key());
					retryOrPark(inFlight.message);
				}
				this.inReadTask = true;
				try {
					pump();
				}
				finally {
					this.inReadTask = false;
				}
				tryCheckpoint(true);
			}
		}
		catch (RuntimeException ex) {
			// A scheduled task that throws is never run again: keep the group's timer alive.
			logger.error("Timer of group {} failed", this.definition.key(), ex);
		}
	}

	// ------------------------------------------------------------------ reading and pushing

	private void pump() {
		if (this.stopped) {
			return;
		}
		if (this.isolatedReads && !this.inReadTask) {
			// Not on the filter executor: send what is buffered, read (and filter) there.
			push();
			schedulePump();
			return;
		}
		int[] scanned = { 0 };
		while (true) {
			try {
				fill(scanned);
			}
			catch (StatusRuntimeException ex) {
				fault(ex);
				return;
			}
			if (push() == 0) {
				break;
			}
		}
		if (scanned[0] >= MAX_SCAN_PER_PUMP) {
			schedulePump();
		}
	}

	/** The filter cannot be evaluated: stop reading and end every subscriber's call with the error. */
	private void fault(StatusRuntimeException error) {
		this.fault = error;
		logger.warn("Group {} stops reading: {}", this.definition.key(), error.getStatus().getDescription());
		for (SubscriberConnection connection : this.subscribers) {
			try {
				connection.subscriber.failed(error);
			}
			catch (RuntimeException ex) {
				logger.debug("Ending a subscriber of {} failed", this.definition.key(), ex);
			}
		}
		this.subscribers.clear();
	}

	private void fill(int[] scanned) {
		if (this.fault != null) {
			return;
		}
		while (scanned[0] < MAX_SCAN_PER_PUMP) {
			// A live buffer of 0 or less is always full: like the real server, read live events as history then.
			int capacity = (this.caughtUp && this.settings.liveBufferSize() > 0) ? this.settings.liveBufferSize()
					: Math.max(1, this.settings.historyBufferSize());
			int room = capacity - this.buffer.size();
			if (room <= 0) {
				return;
			}
			int want = Math.min(Math.max(1, this.settings.readBatchSize()), room);
			int got = this.definition.isAll() ? readAll(want) : readStream(want);
			scanned[0] += Math.max(1, got);
			this.caughtUp = got < want;
			if (this.caughtUp) {
				return;
			}
		}
	}

	private int readStream(int want) {
		StreamReadResult result = this.store.readStream(this.definition.stream(), this.nextRead, true, want);
		if (!(result instanceof StreamReadResult.Events events)) {
			return 0;
		}
		for (StoredEvent record : events.events()) {
			this.nextRead = record.revision() + 1;
			enqueue(record, record.revision());
		}
		return events.events().size();
	}

	private int readAll(int want) {
		List<StoredEvent> records = this.store.readAllForwards(this.nextRead, want);
		for (StoredEvent record : records) {
			this.nextRead = record.position() + 1;
			if (this.filter.test(record)) {
				enqueue(record, record.position());
			}
			else {
				skipped(record.position());
			}
		}
		return records.size();
	}

	private void enqueue(StoredEvent record, long position) {
		StoredEvent event = record;
		StoredEvent link = null;
		if (this.settings.resolveLinks() && record.isLink()) {
			link = record;
			event = this.store.resolveLink(record).orElse(null);
		}
		this.buffer.addLast(new Message(event, link, this.nextSequence++, position, this.lastReadPosition, 0,
				this.caughtUp));
		this.lastReadPosition = position;
		this.lastKnownEventPosition = position;
	}

	/** A record the {@code $all} filter rejected still moves the checkpoint, as on the real server. */
	private void skipped(long position) {
		this.nextSequence++;
		this.lastReadPosition = position;
		if (this.buffer.isEmpty()) {
			this.lastKnownSequence = this.nextSequence - 1;
			this.lastKnownPosition = position;
		}
	}

	/** Retries first, then the buffer. Returns how many events were sent. */
	private int push() {
		if (this.subscribers.isEmpty()) {
			return 0;
		}
		int sent = 0;
		Iterator<Message> retries = this.retry.iterator();
		while (retries.hasNext()) {
			Message message = retries.next();
			ConsumerStrategy.Choice choice = this.strategy.choose(message, this.subscribers);
			if (choice.outcome() == ConsumerStrategy.Outcome.NO_CAPACITY) {
				return sent;
			}
			if (choice.outcome() == ConsumerStrategy.Outcome.SEND) {
				retries.remove();
				send(message, choice.target());
				sent++;
			}
		}
		while (!this.buffer.isEmpty()) {
			Message message = this.buffer.peekFirst();
			ConsumerStrategy.Choice choice = this.strategy.choose(message, this.subscribers);
			if (choice.outcome() == ConsumerStrategy.Outcome.NO_CAPACITY) {
				return sent;
			}
			this.buffer.pollFirst();
			this.lastKnownSequence = message.sequence();
			this.lastKnownPosition = message.position();
			if (choice.outcome() == ConsumerStrategy.Outcome.SEND) {
				send(message, choice.target());
				sent++;
			}
			else {
				// Its pinned subscriber is busy: let later events overtake it, as the real server does.
				this.retry.addLast(message);
			}
		}
		return sent;
	}

	private void send(Message message, SubscriberConnection target) {
		UUID id = message.id();
		this.outstanding.remove(id);
		this.outstanding.put(id, new InFlight(message, target, deadline()));
		target.inFlight.add(id);
		target.totalItems++;
		this.totalItems++;
		target.subscriber.deliver(message);
	}

	private long deadline() {
		return (this.messageTimeoutNanos == Long.MAX_VALUE) ? System.nanoTime() + TimeUnit.DAYS.toNanos(365 * 100L)
				: System.nanoTime() + this.messageTimeoutNanos;
	}

	// ------------------------------------------------------------------ checkpoints

	private void tryCheckpoint(boolean timeCheck) {
		Message lowest = null;
		for (InFlight inFlight : this.outstanding.values()) {
			lowest = lower(lowest, inFlight.message);
		}
		for (Message message : this.retry) {
			lowest = lower(lowest, message);
		}
		long sequence;
		Long position;
		if (lowest != null) {
			// Everything before the oldest unfinished event is done: checkpoint the event read just before it.
			sequence = lowest.sequence() - 1;
			position = lowest.previousPosition();
		}
		else {
			sequence = this.lastKnownSequence;
			position = this.lastKnownPosition;
		}
		if (sequence < 0 || position == null) {
			return;
		}
		long difference = sequence - this.lastCheckpointedSequence;
		if (difference <= 0) {
			return;
		}
		long now = System.nanoTime();
		boolean due = !this.checkpointWritten || now - this.lastCheckpointNanos >= this.checkpointAfterNanos;
		if (!due && difference < this.settings.maxCheckpointCount()) {
			return;
		}
		if ((timeCheck && difference >= this.settings.minCheckpointCount())
				|| difference >= this.settings.maxCheckpointCount()) {
			this.checkpoints.write(position);
			this.checkpointWritten = true;
			this.lastCheckpointNanos = now;
			this.lastCheckpointedSequence = sequence;
			this.lastCheckpointPosition = position;
		}
	}

	private static Message lower(Message current, Message candidate) {
		if (candidate.replayed()) {
			return current;
		}
		return (current == null || candidate.sequence() < current.sequence()) ? candidate : current;
	}

	// ------------------------------------------------------------------ info and lifecycle

	/**
	 * Statistics for GetInfo and List. Like the real server, reading them starts a new measurement window.
	 * @return the snapshot
	 */
	public synchronized GroupInfo info() {
		long now = System.nanoTime();
		double seconds = Math.max(1e-3, (now - this.lastMeasurementNanos) / 1e9);
		long sinceLast = this.totalItems - this.itemsAtLastMeasurement;
		this.itemsAtLastMeasurement = this.totalItems;
		this.lastMeasurementNanos = now;
		List<GroupInfo.Connection> connections = new ArrayList<>();
		int inFlight = 0;
		for (SubscriberConnection c : this.subscribers) {
			double connectionSeconds = Math.max(1e-3, (now - c.lastMeasurementNanos) / 1e9);
			long connectionSince = c.totalItems - c.itemsAtLastMeasurement;
			c.itemsAtLastMeasurement = c.totalItems;
			c.lastMeasurementNanos = now;
			inFlight += c.inFlight.size();
			connections.add(new GroupInfo.Connection(c.from, c.username, (int) (connectionSince / connectionSeconds),
					c.totalItems, connectionSince, c.availableSlots(), c.inFlight.size(), c.connectionName));
		}
		int live = 0;
		for (Message message : this.buffer) {
			if (message.live()) {
				live++;
			}
		}
		String status = this.stopped ? "NotReady" : (this.nextRead > sourceEnd()) ? "Live" : "Behind";
		return new GroupInfo(this.definition, status, (int) (sinceLast / seconds), this.totalItems, sinceLast,
				this.lastCheckpointPosition, this.lastKnownEventPosition, this.buffer.size() - live, live,
				this.retry.size(), inFlight, this.outstanding.size(), this.parked.count(), connections);
	}

	/**
	 * Stops the group and ends every subscriber's call.
	 * @param reason what the subscribers are told
	 */
	public synchronized void stop(Subscriber.DropReason reason) {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		if (this.commitRegistration != null) {
			this.commitRegistration.close();
		}
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		for (SubscriberConnection connection : this.subscribers) {
			try {
				connection.subscriber.drop(reason);
			}
			catch (RuntimeException ex) {
				logger.debug("Dropping a subscriber of {} failed", this.definition.key(), ex);
			}
		}
		this.subscribers.clear();
	}

	/** Removes the group's checkpoint and parked streams (the group was deleted). */
	synchronized void deleteStreams() {
		this.checkpoints.delete();
		this.parked.delete();
	}

	/** The nack actions of the protocol. */
	public enum NackAction {

		/** Unspecified: treated as retry. */
		UNKNOWN,

		/** Park the event. */
		PARK,

		/** Redeliver the event. */
		RETRY,

		/** Drop the event. */
		SKIP,

		/** Asks the server to stop the subscription (no server-side action: the event stays outstanding). */
		STOP

	}

	private record InFlight(Message message, SubscriberConnection subscriber, long deadline) {
	}

	/** A connected subscriber's handle on its group. */
	public final class Handle {

		private final SubscriberConnection connection;

		private Handle(SubscriberConnection connection) {
			this.connection = connection;
		}

		/**
		 * Acks events by their original event id.
		 * @param ids the ids
		 */
		public void ack(Collection<UUID> ids) {
			PersistentSubscriptionGroup.this.ack(ids);
		}

		/**
		 * Nacks events by their original event id.
		 * @param ids the ids
		 * @param action what to do with them
		 * @param reason the client's reason
		 */
		public void nack(Collection<UUID> ids, NackAction action, String reason) {
			PersistentSubscriptionGroup.this.nack(ids, action, reason);
		}

		/** Disconnects: un-acked events go back to be retried. */
		public void close() {
			unsubscribe(this.connection);
		}

		/** Signals that the transport can take more messages. */
		public void ready() {
			wakeUp();
		}

	}

}
