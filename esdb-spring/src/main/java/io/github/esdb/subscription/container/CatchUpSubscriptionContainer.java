package io.github.esdb.subscription.container;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionFilterBuilder;
import io.kurrent.dbclient.SubscriptionListener;

import org.springframework.util.backoff.BackOffExecution;

import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Runs a catch-up subscription to a stream or to {@code $all}. It resumes after the stored checkpoint (or the last
 * event handled in this process after a drop), commits checkpoints every N events, every T and at a graceful stop,
 * follows the server's checkpoints of filtered {@code $all} subscriptions, and retries a failing event in place
 * before the error policy stops or skips.
 */
public class CatchUpSubscriptionContainer extends AbstractSubscriptionContainer {

	/** Server filter checkpoints come every multiplier x 32 scanned events. */
	private static final int SERVER_WINDOW = 32;

	private final CheckpointStore checkpointStore;

	private final EventFilterSpec filter;

	private boolean checkpointLoaded;

	private boolean endWasEmpty;

	private Throwable lastFailure;

	private int eventsSinceCommit;

	private Instant lastCommitAt = Instant.now();

	public CatchUpSubscriptionContainer(SubscriptionEndpoint endpoint, ContainerServices services) {
		super(endpoint, services);
		this.checkpointStore = services.checkpointStores().apply(endpoint.checkpointStore());
		this.filter = effectiveFilter(endpoint);
	}

	/**
	 * The user's filter, or one derived from the event types the handlers accept so that the server does not send
	 * the rest.
	 */
	static EventFilterSpec effectiveFilter(SubscriptionEndpoint endpoint) {
		if (!endpoint.isAll() || endpoint.filter() != null) {
			return endpoint.filter();
		}
		Optional<Set<String>> types = endpoint.dispatcher().acceptedEventTypes();
		return (types.isPresent() && !types.get().isEmpty()) ? EventFilterSpec.eventTypes(types.get()) : null;
	}

	/**
	 * The server-side filter in use.
	 * @return the filter, or {@code null}
	 */
	public EventFilterSpec filter() {
		return this.filter;
	}

	@Override
	protected EventFilterSpec eventFilter() {
		return this.filter;
	}

	@Override
	protected int queueCapacity() {
		return this.services.settings().catchUpBatchSize();
	}

	@Override
	protected SubscriptionState stateWhenSubscribed() {
		return SubscriptionState.CATCHING_UP;
	}

	@Override
	protected void subscribe(Session session) throws Exception {
		if (!this.checkpointLoaded) {
			// Loaded once per container: after a drop the in-memory position is at least as recent.
			Optional<Checkpoint> stored = this.checkpointStore.load(this.endpoint.id());
			stored.ifPresent((checkpoint) -> {
				this.position = checkpoint;
				this.committed = checkpoint;
			});
			this.checkpointLoaded = true;
			this.logger.debug("Subscription '{}' starts from checkpoint {}", this.endpoint.id(), stored.orElse(null));
		}
		SubscriptionListener listener = new SubscriptionListener() {

			@Override
			public void onEvent(Subscription subscription, ResolvedEvent event) {
				session.put(new Session.Event(event, null, null));
			}

			@Override
			public void onCaughtUp(Subscription subscription, Instant timestamp, Long revision, Position position) {
				session.put(new Session.CaughtUp(revision, position));
			}

			@Override
			public void onCancelled(Subscription subscription, Throwable cause) {
				if (!session.isClosed()) {
					session.put(new Session.Dropped(cause));
				}
			}

		};
		int batchSize = this.services.settings().catchUpBatchSize();
		CompletableFuture<Subscription> future;
		if (this.endpoint.isAll()) {
			SubscribeToAllOptions options = SubscribeToAllOptions.get()
				.resolveLinkTos(this.endpoint.resolveLinks())
				.batchSize(batchSize);
			Checkpoint from = this.position;
			if (from != null) {
				options.fromPosition(from.position());
			}
			else {
				applyStart(options, startOf(this.endpoint));
			}
			if (this.filter != null) {
				options.filter(buildFilter(session));
			}
			future = this.services.clients().client().subscribeToAll(listener, options);
		}
		else {
			SubscribeToStreamOptions options = SubscribeToStreamOptions.get()
				.resolveLinkTos(this.endpoint.resolveLinks())
				.batchSize(batchSize);
			Checkpoint from = this.position;
			if (from != null) {
				options.fromRevision(from.revision());
			}
			else {
				StartPosition start = startOf(this.endpoint);
				switch (start.kind()) {
					case START -> options.fromStart();
					case END -> options.fromEnd();
					case REVISION -> options.fromRevision(start.revision());
					case POSITION -> throw new IllegalStateException("An $all position cannot start a stream");
				}
			}
			future = this.services.clients().client().subscribeToStream(this.endpoint.stream(), listener, options);
		}
		awaitConfirmation(future, session, (subscription) -> subscription::stop);
	}

	private static void applyStart(SubscribeToAllOptions options, StartPosition from) {
		switch (from.kind()) {
			case START -> options.fromStart();
			case END -> options.fromEnd();
			case POSITION -> options.fromPosition(from.position());
			case REVISION -> throw new IllegalStateException("A stream revision cannot start an $all subscription");
		}
	}

	private SubscriptionFilter buildFilter(Session session) {
		SubscriptionFilterBuilder builder = SubscriptionFilter.newBuilder();
		// Never addPrefix: the 1.1.0 client sends a prefix as an unanchored regex and keeps only the last one.
		if (this.filter.onEventType()) {
			builder.withEventTypeRegularExpression(this.filter.regex());
		}
		else {
			builder.withStreamNameRegularExpression(this.filter.regex());
		}
		int multiplier = Math.max(1, this.services.settings().checkpointEveryEvents() / SERVER_WINDOW);
		builder.withCheckpointer((subscription, position) -> {
			session.put(new Session.ServerCheckpoint(position));
			return CompletableFuture.completedFuture(null);
		}, multiplier);
		return builder.build();
	}

	@Override
	protected Exit handle(Run run, Session session, Session.Message message) {
		if (message instanceof Session.Event delivered) {
			return handleEvent(delivered.event());
		}
		if (message instanceof Session.ServerCheckpoint checkpoint) {
			Checkpoint next = Checkpoint.ofPosition(checkpoint.position());
			if (next.isAfter(this.position)) {
				this.position = next;
			}
			commit();
			return null;
		}
		if (message instanceof Session.CaughtUp caughtUp) {
			rememberEnd(caughtUp);
			commit();
			caughtUpNow();
		}
		return null;
	}

	/**
	 * A subscription from the end that has seen no event yet must not resubscribe from the end after a drop, or the
	 * events written during the outage would be lost: remember where the end was, or that the stream was empty.
	 */
	private void rememberEnd(Session.CaughtUp caughtUp) {
		if (this.position != null || startOf(this.endpoint).kind() != StartPosition.Kind.END) {
			return;
		}
		if (this.endpoint.isAll() && caughtUp.position() != null) {
			this.position = Checkpoint.ofPosition(caughtUp.position());
		}
		else if (!this.endpoint.isAll() && caughtUp.revision() != null) {
			this.position = Checkpoint.ofRevision(caughtUp.revision());
		}
		else {
			this.endWasEmpty = true;
		}
	}

	private StartPosition startOf(SubscriptionEndpoint endpoint) {
		if (this.endWasEmpty) {
			return StartPosition.START;
		}
		return (endpoint.from() != null) ? endpoint.from() : StartPosition.START;
	}

	private Exit handleEvent(ResolvedEvent event) {
		RecordedEvent original = event.getOriginalEvent();
		Checkpoint checkpoint = this.endpoint.isAll()
				? Checkpoint.ofPosition(event.getPosition().orElse(original.getPosition()))
				: Checkpoint.ofRevision(original.getRevision());
		if (!checkpoint.isAfter(this.position)) {
			// Already handled: a resubscription can repeat the boundary event on some servers.
			return null;
		}
		if (isOwnCheckpoint(event)) {
			// Moving the position for our own checkpoint events would commit again, which writes another one: an
			// endless loop. Ignoring them costs nothing; a resubscription skips them again.
			return null;
		}
		if (isSystemOrUnresolved(event)) {
			this.position = checkpoint;
			return null;
		}
		EventContext context = this.services.contexts().create(this.endpoint.id(), event, null);
		BackOffExecution backOff = null;
		CatchUpErrorPolicy policy = this.services.catchUpErrorPolicy();
		while (true) {
			try {
				invokeHandler(event, context);
				advance(checkpoint);
				return null;
			}
			catch (NackException ex) {
				if (ex.getAction() != NackException.Action.RETRY) {
					return nacked(ex, context, checkpoint);
				}
				failedAttempt(context, ex);
			}
			catch (Exception ex) {
				failedAttempt(context, ex);
				if (!policy.isRetryable(ex)) {
					return exhausted(policy, context, checkpoint, ex);
				}
			}
			catch (Error ex) {
				failedAttempt(context, ex);
				return Exit.failed(ex);
			}
			if (backOff == null) {
				backOff = policy.retryBackOff(this.endpoint).start();
			}
			long delay = backOff.nextBackOff();
			if (delay == BackOffExecution.STOP) {
				return exhausted(policy, context, checkpoint, lastFailure);
			}
			this.logger.debug("Subscription '{}' retries {} in {} ms", this.endpoint.id(), context, delay);
			if (sleepUnlessStopped(Duration.ofMillis(delay))) {
				// Stopping mid-retry: the event stays unhandled and the position stays before it.
				return Exit.stop();
			}
		}
	}

	private void failedAttempt(EventContext context, Throwable error) {
		this.lastFailure = error;
		this.failed.increment();
		recordError(error);
		this.services.observer().eventFailed(this.endpoint.id(), context, error);
	}

	private Exit nacked(NackException ex, EventContext context, Checkpoint checkpoint) {
		if (ex.getAction() == NackException.Action.STOP) {
			this.logger.error("Subscription '{}' stops: the handler refused {} ({})", this.endpoint.id(), context,
					ex.getReason());
			recordError(ex);
			return Exit.failed(ex);
		}
		// A catch-up subscription has no parked stream; park and skip both move past, loudly.
		this.logger.warn("Subscription '{}' skips {}: the handler asked to {} it ({})", this.endpoint.id(), context,
				ex.getAction().name().toLowerCase(), ex.getReason());
		this.skipped.increment();
		this.services.observer().eventSkipped(this.endpoint.id(), context, ex.getReason());
		advance(checkpoint);
		return null;
	}

	private Exit exhausted(CatchUpErrorPolicy policy, EventContext context, Checkpoint checkpoint, Throwable error) {
		CatchUpErrorPolicy.Outcome outcome = policy.onRetriesExhausted(this.endpoint, context, error);
		if (outcome == CatchUpErrorPolicy.Outcome.SKIP) {
			this.logger.error("Subscription '{}' skips {} after it failed", this.endpoint.id(), context, error);
			this.skipped.increment();
			this.services.observer().eventSkipped(this.endpoint.id(), context, String.valueOf(error));
			advance(checkpoint);
			return null;
		}
		this.logger.error("Subscription '{}' stops at {}: the handler failed on {}; fix the cause and restart it",
				this.endpoint.id(), this.position, context, error);
		return Exit.failed(error);
	}

	private boolean isSystemOrUnresolved(ResolvedEvent event) {
		if (event.getEvent() == null) {
			// A link whose target was deleted: nothing to hand over.
			return true;
		}
		if (!this.endpoint.isAll()) {
			return false;
		}
		// Unfiltered $all reads include system streams and events: handlers see user events only.
		return event.getOriginalEvent().getStreamId().startsWith("$")
				|| event.getEvent().getEventType().startsWith("$");
	}

	private boolean isOwnCheckpoint(ResolvedEvent event) {
		return this.endpoint.isAll() && event.getOriginalEvent()
			.getStreamId()
			.startsWith(this.services.settings().checkpointStreamPrefix());
	}

	private void advance(Checkpoint checkpoint) {
		this.position = checkpoint;
		this.eventsSinceCommit++;
		if (this.eventsSinceCommit >= this.services.settings().checkpointEveryEvents() || commitIsDue()) {
			commit();
		}
	}

	private boolean commitIsDue() {
		return Duration.between(this.lastCommitAt, Instant.now())
			.compareTo(this.services.settings().checkpointEvery()) >= 0;
	}

	@Override
	protected void onIdle() {
		if (commitIsDue()) {
			commit();
		}
	}

	@Override
	protected void beforeClose(boolean failed) {
		commit();
		try {
			this.checkpointStore.flush(this.endpoint.id());
		}
		catch (RuntimeException ex) {
			this.logger.warn("Subscription '{}' stopped without its last checkpoint stored ({}); it will see the events "
					+ "since the previous one again", this.endpoint.id(), ex.getMessage());
		}
	}

	private void commit() {
		Checkpoint current = this.position;
		if (current == null || !current.isAfter(this.committed)) {
			this.lastCommitAt = Instant.now();
			return;
		}
		try {
			this.checkpointStore.store(this.endpoint.id(), current);
			this.committed = current;
			this.eventsSinceCommit = 0;
			this.lastCommitAt = Instant.now();
			this.services.observer().checkpointCommitted(this.endpoint.id(), current);
		}
		catch (RuntimeException ex) {
			// Keep it pending: the next event, idle tick or stop tries again; a crash now means re-delivery only.
			this.lastCommitAt = Instant.now();
			this.logger.warn("Subscription '{}' could not store checkpoint {}: {}", this.endpoint.id(), current,
					ex.toString());
		}
	}

}
