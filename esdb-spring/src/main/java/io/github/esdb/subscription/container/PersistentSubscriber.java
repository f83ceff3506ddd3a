package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.PersistentSubscriptionSettings;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import io.kurrent.dbclient.PersistentSubscriptionToAllSettings;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamSettings;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ReplayParkedMessagesOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.ConsumerStrategy;
import io.github.esdb.subscription.ErrorMessages;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.HandlerThread;
import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionState;

/**
 * The persistent protocol: create the group when missing, ack each event after its handler returns (in batches, see
 * {@link AckBatcher}), and nack with the outcome of the error handler. The server tracks the position; events in
 * flight or not acked when the consumer goes away are delivered again.
 */
final class PersistentSubscriber implements Subscriber {

	private static final Logger logger = LoggerFactory.getLogger(PersistentSubscriber.class);

	/**
	 * Cancelling the call right after an ack can discard it (the server may see the cancellation before the message),
	 * and the event would be delivered again; a graceful stop waits this long after the last ack or nack.
	 */
	private static final Duration ACK_FLUSH_GRACE = Duration.ofMillis(300);

	/** How long an ack may wait for others to share its message, at most (also the handler time that sends at once). */
	static final Duration ACK_MAX_DELAY = Duration.ofMillis(5);

	/** The message timeout of a group created without one (the server's default). */
	static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(30);

	private final SubscriptionEndpoint endpoint;

	private final ContainerServices services;

	private final SubscriptionStatistics statistics;

	private final SubscriptionErrorHandler errorHandler;

	private final HandlerInvoker invoker;

	private final @Nullable EventFilterSpec filter;

	private final Partitions partitions;

	private final ParkedStream parked;

	private final @Nullable PersistentBatchHandling batches;

	private volatile @Nullable Checkpoint position;

	private boolean groupEnsured;

	/** Whether the {@link MessageTimeoutWatch} was told the group's message timeout. */
	private boolean timeoutKnown;

	private final AckBatcher acks;

	private final MessageTimeoutWatch timeouts;

	/** The session whose handler runs on the client's thread, {@code null} when the worker handles events. */
	private volatile @Nullable Session direct;

	PersistentSubscriber(SubscriptionEndpoint endpoint, ContainerServices services,
			SubscriptionStatistics statistics) {
		this.endpoint = endpoint;
		this.partitions = new Partitions(endpoint, services);
		this.services = services;
		this.statistics = statistics;
		this.errorHandler = new SubscriptionErrorHandler(endpoint, services, statistics);
		this.invoker = new HandlerInvoker(endpoint, services, statistics);
		this.filter = CatchUpSubscriber.effectiveFilter(endpoint);
		// Half the buffer per ack message: the server can send the next half while this consumer handles the first.
		this.acks = new AckBatcher(endpoint.id(), Math.max(1, bufferSize() / 2), ACK_MAX_DELAY.toNanos(),
				System::nanoTime);
		this.parked = new ParkedStream(services.clients(), parkedStreamOf(endpoint),
				services.settings().subscribeTimeout());
		this.batches = PersistentBatchHandling.of(endpoint, services, this.errorHandler, this.invoker,
				new BatchSettlement());
		this.timeouts = new MessageTimeoutWatch(endpoint.id(), endpoint.group(), bufferSize());
	}

	/** Acks and nacks the events of batches. */
	private final class BatchSettlement implements PersistentBatchHandling.Settlement {

		@Override
		public void ack(List<EventBatcher.Item> items) {
			// One ack message for the batch: the batcher sends what waits with it.
			for (EventBatcher.Item item : items) {
				PersistentSubscriber.this.acks.ack(item.subscription(), item.event(), 0);
			}
			PersistentSubscriber.this.acks.flush();
			items.stream().filter((item) -> !item.replayed()).forEach((item) -> done(item.event()));
		}

		@Override
		public @Nullable Exit nack(EventBatcher.Item item, NackException nack) {
			Exit exit = PersistentSubscriber.this.nack(item.subscription(), item.event(), item.context(), nack);
			NackException.Action action = nack.getAction();
			if (!item.replayed() && (action == NackException.Action.PARK || action == NackException.Action.SKIP)) {
				done(item.event());
			}
			return exit;
		}

		@Override
		public void skip(EventBatcher.Item item) {
			PersistentSubscriber.this.acks.ack(item.subscription(), item.event(), 0);
			PersistentSubscriber.this.invoker.skipNoHandler(item.context());
			if (!item.replayed()) {
				done(item.event());
			}
		}

	}

	/**
	 * Where the server keeps a group's parked events.
	 * @param endpoint the persistent subscription
	 * @return {@code $persistentsubscription-<stream>::<group>-parked} ({@code $all} for a group on all events)
	 */
	static String parkedStreamOf(SubscriptionEndpoint endpoint) {
		return "$persistentsubscription-" + endpoint.stream() + "::" + endpoint.group() + "-parked";
	}

	@Override
	public ParkedStream parkedStream() {
		return this.parked;
	}

	/**
	 * Ask the server to deliver parked events again (it reads them from its parked stream, hands them to the group's
	 * consumers like any other event and then moves the stream's truncate-before past them).
	 * @param max how many at most
	 * @return how many parked events the replay covers
	 * @throws Exception if the server refused or did not answer
	 */
	@Override
	public int replayParked(int max) throws Exception {
		long first = this.parked.first();
		if (first < 0 || max <= 0) {
			return 0;
		}
		long count = this.parked.end() - first;
		// The server's stop-at is a number in the parked stream (exclusive), not a count.
		ReplayParkedMessagesOptions options = ReplayParkedMessagesOptions.get()
			.stopAt((max >= count) ? first + count : first + max);
		KurrentDBPersistentSubscriptionsClient client = this.services.clients().persistentSubscriptions();
		CompletableFuture<?> replay = this.endpoint.isAll() ? client.replayParkedMessagesToAll(this.endpoint.group(),
				options) : client.replayParkedMessagesToStream(this.endpoint.stream(), this.endpoint.group(), options);
		replay.get(this.services.settings().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		int covered = (int) Math.min(count, max);
		logger.info("Subscription '{}' asked the server to replay {} parked event(s) of group '{}'",
				this.endpoint.id(), covered, this.endpoint.group());
		return covered;
	}

	@Override
	public @Nullable EventFilterSpec filter() {
		return this.filter;
	}

	@Override
	public @Nullable Checkpoint position() {
		return this.position;
	}

	@Override
	public @Nullable Checkpoint committed() {
		// The server keeps a persistent group's checkpoint.
		return null;
	}

	/** The acks that wait go out before a back-off's sleep, so a long wait never holds finished events back. */
	private SubscriptionErrorHandler.Sleeper flushingFirst(SubscriptionErrorHandler.Sleeper control) {
		return (delay) -> {
			this.acks.flush();
			return control.sleepUnlessStopped(delay);
		};
	}

	private int bufferSize() {
		Integer configured = this.endpoint.persistentSettings().bufferSize();
		int size = (configured != null) ? configured : this.services.settings().persistentBufferSize();
		// Fewer events out than partitions would leave partitions idle, fewer than a batch would never fill it.
		return Math.max(Math.max(size, concurrency()), (this.batches != null) ? this.batches.size() : 1);
	}

	@Override
	public int concurrency() {
		return this.partitions.concurrency();
	}

	@Override
	public int inFlight() {
		return this.partitions.inFlight();
	}

	@Override
	public @Nullable Checkpoint oldestUnfinished() {
		// The server tracks what is unfinished for a persistent group.
		return null;
	}

	@Override
	public void abort() {
		this.partitions.abort();
	}

	@Override
	public int queueCapacity() {
		// The server never has more than bufferSize unacknowledged events out, so this never blocks for long.
		return bufferSize();
	}

	/**
	 * One event at a time on the client's thread unless asked otherwise: no hand-over between threads per event.
	 * Partitions and batches need their own threads.
	 */
	@Override
	public boolean handlesOnClientThread() {
		return this.services.settings().persistentHandlerThread() == HandlerThread.CLIENT && this.batches == null
				&& !this.partitions.enabled();
	}

	@Override
	public SubscriptionState stateWhenSubscribed() {
		return SubscriptionState.LIVE;
	}

	@Override
	public void subscribe(Session session) throws Exception {
		// Events the partitions still hold belong to a dropped session: their acks would go nowhere and the server
		// delivers them again, so they are dropped.
		this.partitions.beginSession(true);
		int forgotten = this.acks.discard();
		if (forgotten > 0) {
			logger.debug("Subscription '{}' could not ack {} event(s) before it dropped; the server delivers them "
					+ "again", this.endpoint.id(), forgotten);
		}
		if (this.batches != null) {
			this.batches.clear();
		}
		this.direct = session.isDirect() ? session : null;
		boolean autoCreate = this.services.settings().autoCreateGroups();
		if (autoCreate && !this.groupEnsured) {
			createGroupIfMissing();
		}
		try {
			subscribeToGroup(session);
			if (!autoCreate && !this.timeoutKnown) {
				// After the subscribe, when the server just answered: before it, during an outage, each attempt to
				// reconnect would first wait for this read to time out.
				learnMessageTimeout();
			}
		}
		catch (Exception ex) {
			if (autoCreate && GrpcErrors.hasCode(ex, Status.Code.NOT_FOUND)) {
				// The group was deleted while we were away: create it again, as at start-up.
				createGroupIfMissing();
				subscribeToGroup(session);
				return;
			}
			throw ex;
		}
	}

	private void subscribeToGroup(Session session) throws Exception {
		PersistentSubscriptionListener listener = new PersistentSubscriptionListener() {

			@Override
			public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
				session.put(new Session.Event(event, retryCount, subscription));
			}

			@Override
			public void onCancelled(PersistentSubscription subscription, Throwable cause) {
				if (!session.isClosed()) {
					session.put(new Session.Dropped(cause));
				}
			}

		};
		SubscribePersistentSubscriptionOptions options = SubscribePersistentSubscriptionOptions.get()
			.bufferSize(bufferSize());
		KurrentDBPersistentSubscriptionsClient client = this.services.clients().persistentSubscriptions();
		CompletableFuture<PersistentSubscription> future = this.endpoint.isAll()
				? client.subscribeToAll(this.endpoint.group(), options, listener)
				: client.subscribeToStream(this.endpoint.stream(), this.endpoint.group(), options, listener);
		session.awaitConfirmation(future, (subscription) -> subscription::stop,
				this.services.settings().subscribeTimeout());
	}

	private void createGroupIfMissing() throws Exception {
		KurrentDBPersistentSubscriptionsClient client = this.services.clients().persistentSubscriptions();
		CompletableFuture<?> created = this.endpoint.isAll()
				? client.createToAll(this.endpoint.group(), ClientOptionsMapper.createGroupToAll(this.endpoint,
						this.filter))
				: client.createToStream(this.endpoint.stream(), this.endpoint.group(),
						ClientOptionsMapper.createGroupToStream(this.endpoint));
		try {
			created.get(this.services.settings().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
			logger.info("Created persistent subscription group '{}' on '{}'", this.endpoint.group(),
					this.endpoint.stream());
			Duration declared = this.endpoint.persistentSettings().messageTimeout();
			this.timeouts.messageTimeout((declared != null) ? declared : DEFAULT_MESSAGE_TIMEOUT);
			this.timeoutKnown = true;
		}
		catch (Exception ex) {
			// Another instance (or an earlier run) created it first: what we wanted, if it is configured as declared.
			if (!GrpcErrors.hasCode(ex, Status.Code.ALREADY_EXISTS)) {
				throw ex;
			}
			reconcileExistingGroup(client);
		}
		this.groupEnsured = true;
	}

	/**
	 * The settings of the existing group.
	 * @return them, or {@code null} when the server knows no such group
	 */
	private @Nullable PersistentSubscriptionSettings groupSettings(KurrentDBPersistentSubscriptionsClient client)
			throws Exception {
		long timeout = this.services.settings().subscribeTimeout().toMillis();
		if (this.endpoint.isAll()) {
			PersistentSubscriptionToAllInfo info = client.getInfoToAll(this.endpoint.group())
				.get(timeout, TimeUnit.MILLISECONDS)
				.orElse(null);
			return (info != null) ? info.getSettings() : null;
		}
		PersistentSubscriptionToStreamInfo info = client.getInfoToStream(this.endpoint.stream(), this.endpoint.group())
			.get(timeout, TimeUnit.MILLISECONDS)
			.orElse(null);
		return (info != null) ? info.getSettings() : null;
	}

	/**
	 * Read the message timeout of a group this subscription neither creates nor checks (auto-create off), for the
	 * {@link MessageTimeoutWatch}: someone else's group times events out just the same. Best effort: the watch only
	 * stays silent when the server does not say.
	 */
	private void learnMessageTimeout() {
		try {
			PersistentSubscriptionSettings server = groupSettings(this.services.clients().persistentSubscriptions());
			if (server != null) {
				this.timeouts.messageTimeout(server.getMessageTimeout());
				this.timeoutKnown = true;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.debug("Subscription '{}' could not read the message timeout of group '{}': {}", this.endpoint.id(),
					this.endpoint.group(), ex.toString());
		}
	}

	/**
	 * Compare an existing group with the declaration and act on the drift policy.
	 */
	private void reconcileExistingGroup(KurrentDBPersistentSubscriptionsClient client) throws Exception {
		long timeout = this.services.settings().subscribeTimeout().toMillis();
		PersistentSubscriptionSettings server = groupSettings(client);
		if (server == null) {
			return;
		}
		this.timeouts.messageTimeout(server.getMessageTimeout());
		this.timeoutKnown = true;
		List<String> drift = ClientOptionsMapper.drift(this.endpoint, server);
		if (drift.isEmpty()) {
			return;
		}
		switch (this.services.settings().groupDrift()) {
			case WARN -> logger.warn("Subscription '{}' uses the existing group '{}' whose settings differ from the "
					+ "declared ones (esdb.subscriptions.persistent.on-drift=update applies them): {}",
					this.endpoint.id(), this.endpoint.group(), drift);
			case UPDATE -> {
				if (this.endpoint.persistentSettings().consumerStrategy() == ConsumerStrategy.PINNED_BY_CORRELATION) {
					// Client 1.1.0 refuses this strategy in an update (it can create it): say what works instead.
					throw new InvalidSubscriptionException(this.endpoint.source() + ": the existing group '"
							+ this.endpoint.group() + "' differs from the declared settings " + drift
							+ ", and the client cannot update a group to PinnedByCorrelation; delete the group "
							+ "(SubscriptionRegistry.deleteGroup) so that it is created as declared");
				}
				CompletableFuture<?> updated = this.endpoint.isAll()
						? client.updateToAll(this.endpoint.group(), ClientOptionsMapper.updateGroupToAll(this.endpoint,
								(PersistentSubscriptionToAllSettings) server))
						: client.updateToStream(this.endpoint.stream(), this.endpoint.group(), ClientOptionsMapper
							.updateGroupToStream(this.endpoint, (PersistentSubscriptionToStreamSettings) server));
				updated.get(timeout, TimeUnit.MILLISECONDS);
				Duration declared = this.endpoint.persistentSettings().messageTimeout();
				if (declared != null) {
					this.timeouts.messageTimeout(declared);
				}
				logger.info("Subscription '{}' updated group '{}' to the declared settings: {}", this.endpoint.id(),
						this.endpoint.group(), drift);
			}
			case FAIL -> throw new InvalidSubscriptionException(this.endpoint.source() + ": the existing group '"
					+ this.endpoint.group() + "' of '" + this.endpoint.stream()
					+ "' differs from the declared settings " + drift
					+ "; align the declaration, or set esdb.subscriptions.persistent.on-drift=update to apply it");
		}
	}

	/**
	 * Delete this subscription's group on the server.
	 * @throws Exception if the server refused or did not answer
	 */
	void deleteGroup() throws Exception {
		KurrentDBPersistentSubscriptionsClient client = this.services.clients().persistentSubscriptions();
		CompletableFuture<?> deleted = this.endpoint.isAll() ? client.deleteToAll(this.endpoint.group())
				: client.deleteToStream(this.endpoint.stream(), this.endpoint.group());
		deleted.get(this.services.settings().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		this.groupEnsured = false;
		logger.info("Deleted persistent subscription group '{}' of '{}'", this.endpoint.group(),
				this.endpoint.stream());
	}

	@Override
	public @Nullable Exit handle(Session.Message message, SubscriptionErrorHandler.Sleeper control) {
		Exit ended = this.partitions.exit();
		if (ended != null) {
			return ended;
		}
		if (!(message instanceof Session.Event delivered)) {
			return null;
		}
		ResolvedEvent event = delivered.event();
		PersistentSubscription subscription = delivered.subscription();
		if (event.getEvent() == null) {
			// A link whose target was deleted: nothing to hand over, nothing to retry. It held a place in the buffer
			// all the same: the watch counts it, so that its ring stays one buffer of deliveries.
			ack(subscription, event, 0);
			long now = System.nanoTime();
			leftBuffer(now, now);
			this.invoker.skipUnresolvedLink(event);
			done(event);
			return null;
		}
		boolean replayed = isReplayedFromParked(event);
		EventContext context = replayed
				? this.services.contexts()
					.create(this.endpoint.id(), event, delivered.retryCount(), originalPosition(event.getEvent()))
				: this.services.contexts().create(this.endpoint.id(), event, delivered.retryCount());
		if (this.batches != null) {
			return this.batches.add(new EventBatcher.Item(event, context, checkpointOf(event), subscription,
					replayed), flushingFirst(control));
		}
		if (this.partitions.enabled()) {
			boolean queued = this.partitions.submit(event, context,
					() -> handleOnce(subscription, event, context, replayed, control), control);
			return queued ? null : Exit.stop();
		}
		return handleOnce(subscription, event, context, replayed, control);
	}

	private @Nullable Exit handleOnce(PersistentSubscription subscription, ResolvedEvent event, EventContext context,
			boolean replayed, SubscriptionErrorHandler.Sleeper control) {
		long started = System.nanoTime();
		SubscriptionErrorHandler.Outcome outcome = this.errorHandler
			.handleOnce(() -> this.invoker.invoke(event, context), context, flushingFirst(control));
		if (outcome instanceof SubscriptionErrorHandler.Stopped) {
			// Asked to stop while waiting to nack a retry: the event stays outstanding and the server delivers it
			// again once this consumer is gone.
			return Exit.stop();
		}
		if (outcome instanceof SubscriptionErrorHandler.Nack nack) {
			Exit exit = nack(subscription, event, context, nack.nack());
			NackException.Action action = nack.nack().getAction();
			if (action != NackException.Action.STOP) {
				// The others waited in the buffer for this event's handler and its retry back-off as for any handler:
				// left out, a failing event's back-off would look like a pause between events and hide their wait.
				leftBuffer(started, System.nanoTime());
			}
			if (!replayed && (action == NackException.Action.PARK || action == NackException.Action.SKIP)) {
				done(event);
			}
			return exit;
		}
		if (outcome instanceof SubscriptionErrorHandler.Failed failed) {
			return Exit.failed(failed.cause());
		}
		long ended = System.nanoTime();
		ack(subscription, event, ended - started);
		leftBuffer(started, ended);
		if (!replayed) {
			done(event);
		}
		return null;
	}

	/**
	 * Tell the {@link MessageTimeoutWatch} that an event left the buffer; partitions are not watched (see there).
	 */
	private void leftBuffer(long startNanos, long endNanos) {
		if (!this.partitions.enabled()) {
			this.timeouts.handled(startNanos, endNanos);
		}
	}

	/**
	 * Ack an event handled one at a time. On the client's thread the worker may be asleep for longer than an ack may
	 * wait, so the first ack of a batch wakes it in time to send the batch if no other ack fills it first.
	 */
	private void ack(PersistentSubscription subscription, ResolvedEvent event, long handlingNanos) {
		boolean waits = this.acks.ack(subscription, event, handlingNanos);
		Session session = this.direct;
		if (waits && session != null) {
			session.wakeBy(System.nanoTime() + ACK_MAX_DELAY.toNanos());
		}
	}

	/**
	 * Move the position to an event this consumer is done with (acked, parked or skipped), never backwards: retries
	 * and several consumers deliver out of order, and the position says how far this consumer has got.
	 */
	private void done(ResolvedEvent event) {
		Checkpoint next = checkpointOf(event);
		Checkpoint current = this.position;
		if (current == null || next.isAfter(current)) {
			this.position = next;
		}
	}

	private Checkpoint checkpointOf(ResolvedEvent event) {
		return this.endpoint.isAll()
				? Checkpoint.ofPosition(LogPosition
					.fromClient(event.getPosition().orElse(event.getOriginalEvent().getPosition())))
				: Checkpoint.ofRevision(event.getOriginalEvent().getRevision());
	}

	/**
	 * Whether the server delivers the event again from the group's parked stream (after a replay of parked
	 * messages): the link then lives in {@code $persistentsubscription-<stream>::<group>-parked}, and the positions
	 * the server sends with it are the link's, not the event's.
	 */
	private static boolean isReplayedFromParked(ResolvedEvent event) {
		RecordedEvent link = event.getLink();
		return link != null && link.getStreamId().startsWith("$persistentsubscription-")
				&& link.getStreamId().endsWith("-parked");
	}

	/**
	 * The position of a replayed parked event in {@code $all}, read from its stream, so that handlers and logs see
	 * where the event is rather than where its parked link is.
	 * @return the position, or {@code null} when it cannot be read
	 */
	private @Nullable Position originalPosition(RecordedEvent event) {
		try {
			ReadResult result = this.services.clients()
				.client()
				.readStream(event.getStreamId(),
						ReadStreamOptions.get().fromRevision(event.getRevision()).maxCount(1).notResolveLinkTos())
				.get(this.services.settings().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
			return result.getEvents().isEmpty() ? null : result.getEvents().get(0).getOriginalEvent().getPosition();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			logger.debug("Subscription '{}' could not read the position of replayed event {}@{}: {}",
					this.endpoint.id(), event.getRevision(), event.getStreamId(), ex.toString());
			return null;
		}
	}

	private @Nullable Exit nack(PersistentSubscription subscription, ResolvedEvent event, EventContext context,
			NackException nack) {
		// The server keeps the reason with a parked event, and it is logged: no credentials in it.
		String reason = (nack.getReason() != null) ? ErrorMessages.mask(nack.getReason())
				: nack.getAction().name().toLowerCase();
		this.statistics.nacked();
		if (nack.getAction() == NackException.Action.SKIP) {
			this.statistics.skipped();
		}
		if (nack.getAction() == NackException.Action.STOP) {
			// No nack: the event stays outstanding and the server delivers it again once this consumer is gone (or
			// after the message timeout), whatever a Stop nack would mean to the server at hand.
			this.statistics.error(nack);
			this.services.observer().eventNacked(this.endpoint.id(), context, nack.getAction(), reason);
			logger.warn("Subscription '{}' stops as its handler asked on {}; the server will deliver it again: {}",
					this.endpoint.id(), context, reason);
			return Exit.stop();
		}
		logger.warn("Subscription '{}' nacks {} with {}: {}", this.endpoint.id(), context, nack.getAction(), reason);
		try {
			// The acks that wait go out first, so the server sees every outcome in the order the handlers finished.
			this.acks.nack(subscription, ClientOptionsMapper.nackAction(nack.getAction()), reason, event);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscription '{}' could not nack {}; the server will deliver it again: {}",
					this.endpoint.id(), context, ex.toString());
		}
		this.services.observer().eventNacked(this.endpoint.id(), context, nack.getAction(), reason);
		return null;
	}

	@Override
	public @Nullable Exit afterBatch() {
		// Not a flush: the batch may have been a single event (see AckBatcher); the poll wakes when acks are due.
		this.acks.flushIfDue();
		return null;
	}

	@Override
	public @Nullable Exit onIdle(SubscriptionErrorHandler.Sleeper control) {
		if (this.batches != null) {
			Exit exit = this.batches.flushIfReady(flushingFirst(control));
			if (exit != null) {
				return exit;
			}
		}
		if (this.direct != null) {
			// The worker of a direct session wakes when acks are due (or when asked), not after a quiet spell: an
			// ack that waits less than its delay may still share its message with the next event's.
			this.acks.flushIfDue();
			return null;
		}
		// Partitions may have finished events since the last batch.
		this.acks.flush();
		return this.partitions.exit();
	}

	/**
	 * The acks of events handled before the one in hand go out when due, not when its handler returns: a slow
	 * handler would hold them for as long as it runs (and the server, past its message timeout, would deliver them
	 * again). The batcher serializes this with the handler's own acks and nacks, so their order stays.
	 */
	@Override
	public void whileHandlerRuns() {
		this.acks.flushIfDue();
	}

	@Override
	public long pollMillis(long idle) {
		long wait = (this.batches != null) ? this.batches.pollMillis(idle) : idle;
		long acksDue = this.acks.nanosUntilDue();
		if (acksDue == Long.MAX_VALUE) {
			return wait;
		}
		// Wake in time to send the acks that wait (onIdle sends them), at least a millisecond later.
		return Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(acksDue + 999_999)));
	}

	@Override
	public void beforeClose() {
		this.partitions.endSession();
		this.acks.flush();
		long lastSent = this.acks.lastSentNanos();
		long wait = ACK_FLUSH_GRACE.toNanos() - (System.nanoTime() - lastSent);
		if (lastSent != 0 && wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
