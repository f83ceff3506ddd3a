package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionFilterBuilder;

import io.github.esdb.serialization.EventSerializationException;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.PersistentSettings;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Runs a persistent subscription: creates the group when missing, acks each event after its handler returns, nacks
 * with the {@link NackException}'s action or the error policy's, parks undeserializable events at once, and
 * resubscribes after drops. The server tracks the position; events in flight when the consumer goes away are
 * delivered again.
 */
public class PersistentSubscriptionContainer extends AbstractSubscriptionContainer {

	/**
	 * Cancelling the call right after an ack can discard it (the server may see the cancellation before the message),
	 * and the event would be delivered again; a graceful stop waits this long after the last ack or nack.
	 */
	private static final Duration ACK_FLUSH_GRACE = Duration.ofMillis(300);

	private final EventFilterSpec filter;

	private boolean groupEnsured;

	private long lastAckNanos;

	public PersistentSubscriptionContainer(SubscriptionEndpoint endpoint, ContainerServices services) {
		super(endpoint, services);
		this.filter = CatchUpSubscriptionContainer.effectiveFilter(endpoint);
	}

	private int bufferSize() {
		Integer configured = this.endpoint.persistentSettings().bufferSize();
		return (configured != null) ? configured : this.services.settings().persistentBufferSize();
	}

	@Override
	protected int queueCapacity() {
		// The server never has more than bufferSize unacknowledged events out, so this never blocks for long.
		return bufferSize();
	}

	@Override
	protected SubscriptionState stateWhenSubscribed() {
		return SubscriptionState.LIVE;
	}

	@Override
	protected void subscribe(Session session) throws Exception {
		boolean autoCreate = this.services.settings().autoCreateGroups();
		if (autoCreate && !this.groupEnsured) {
			createGroupIfMissing();
		}
		try {
			subscribeToGroup(session);
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
		awaitConfirmation(future, session, (subscription) -> subscription::stop);
	}

	private void createGroupIfMissing() throws Exception {
		KurrentDBPersistentSubscriptionsClient client = this.services.clients().persistentSubscriptions();
		PersistentSettings settings = this.endpoint.persistentSettings();
		StartPosition from = this.endpoint.from();
		CompletableFuture<?> created;
		if (this.endpoint.isAll()) {
			CreatePersistentSubscriptionToAllOptions options = CreatePersistentSubscriptionToAllOptions.get()
				.resolveLinkTos(this.endpoint.resolveLinks());
			if (settings.maxRetryCount() != null) {
				options.maxRetryCount(settings.maxRetryCount());
			}
			if (settings.messageTimeout() != null) {
				options.messageTimeout(settings.messageTimeout());
			}
			if (settings.consumerStrategy() != null) {
				options.namedConsumerStrategy(strategy(settings.consumerStrategy()));
			}
			if (from != null) {
				switch (from.kind()) {
					case START -> options.fromStart();
					case END -> options.fromEnd();
					case POSITION -> options.startFrom(from.position());
					case REVISION -> throw new IllegalStateException("A stream revision cannot start an $all group");
				}
			}
			if (this.filter != null) {
				options.filter(buildFilter(this.filter));
			}
			created = client.createToAll(this.endpoint.group(), options);
		}
		else {
			CreatePersistentSubscriptionToStreamOptions options = CreatePersistentSubscriptionToStreamOptions.get()
				.resolveLinkTos(this.endpoint.resolveLinks());
			if (settings.maxRetryCount() != null) {
				options.maxRetryCount(settings.maxRetryCount());
			}
			if (settings.messageTimeout() != null) {
				options.messageTimeout(settings.messageTimeout());
			}
			if (settings.consumerStrategy() != null) {
				options.namedConsumerStrategy(strategy(settings.consumerStrategy()));
			}
			if (from != null) {
				switch (from.kind()) {
					case START -> options.fromStart();
					case END -> options.fromEnd();
					case REVISION -> options.startFrom(from.revision());
					case POSITION -> throw new IllegalStateException("An $all position cannot start a stream group");
				}
			}
			created = client.createToStream(this.endpoint.stream(), this.endpoint.group(), options);
		}
		try {
			created.get(this.services.settings().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
			this.logger.info("Created persistent subscription group '{}' on '{}'", this.endpoint.group(),
					this.endpoint.stream());
		}
		catch (Exception ex) {
			// Another instance (or an earlier run) created it first: exactly what we wanted.
			if (!GrpcErrors.hasCode(ex, Status.Code.ALREADY_EXISTS)) {
				throw ex;
			}
		}
		this.groupEnsured = true;
	}

	private static SubscriptionFilter buildFilter(EventFilterSpec filter) {
		SubscriptionFilterBuilder builder = SubscriptionFilter.newBuilder();
		return (filter.onEventType() ? builder.withEventTypeRegularExpression(filter.regex())
				: builder.withStreamNameRegularExpression(filter.regex()))
			.build();
	}

	/**
	 * The client's strategy for a name such as {@code RoundRobin}.
	 * @param name the strategy name, case-insensitive, with or without separators
	 * @return the strategy
	 * @throws IllegalArgumentException for unknown names
	 */
	public static NamedConsumerStrategy strategy(String name) {
		return switch (name.replace("_", "").replace("-", "").toLowerCase()) {
			case "roundrobin" -> NamedConsumerStrategy.ROUND_ROBIN;
			case "dispatchtosingle" -> NamedConsumerStrategy.DISPATCH_TO_SINGLE;
			case "pinned" -> NamedConsumerStrategy.PINNED;
			default -> throw new IllegalArgumentException("Unknown consumer strategy '" + name
					+ "'; use RoundRobin, DispatchToSingle or Pinned");
		};
	}

	@Override
	protected Exit handle(Run run, Session session, Session.Message message) {
		if (!(message instanceof Session.Event delivered)) {
			return null;
		}
		ResolvedEvent event = delivered.event();
		PersistentSubscription subscription = delivered.subscription();
		this.position = this.endpoint.isAll()
				? Checkpoint.ofPosition(event.getPosition().orElse(event.getOriginalEvent().getPosition()))
				: Checkpoint.ofRevision(event.getOriginalEvent().getRevision());
		if (event.getEvent() == null) {
			// A link whose target was deleted: nothing to hand over, nothing to retry.
			ack(subscription, event);
			this.skipped.increment();
			return null;
		}
		EventContext context = this.services.contexts().create(this.endpoint.id(), event, delivered.retryCount());
		NackException nack;
		try {
			invokeHandler(event, context);
			ack(subscription, event);
			return null;
		}
		catch (NackException ex) {
			nack = ex;
		}
		catch (EventSerializationException ex) {
			failedAttempt(context, ex);
			// Retrying cannot make unreadable bytes readable: park at once, with the reason for whoever replays it.
			nack = new NackException(NackException.Action.PARK, ex.getMessage(), ex);
		}
		catch (Exception ex) {
			failedAttempt(context, ex);
			nack = this.services.persistentErrorPolicy().decide(this.endpoint, context, ex);
		}
		catch (Error ex) {
			failedAttempt(context, ex);
			return Exit.failed(ex);
		}
		return nack(subscription, event, context, nack);
	}

	private void failedAttempt(EventContext context, Throwable error) {
		this.failed.increment();
		recordError(error);
		this.services.observer().eventFailed(this.endpoint.id(), context, error);
	}

	private Exit nack(PersistentSubscription subscription, ResolvedEvent event, EventContext context,
			NackException nack) {
		String reason = (nack.getReason() != null) ? nack.getReason() : nack.getAction().name().toLowerCase();
		this.nacked.increment();
		if (nack.getAction() == NackException.Action.SKIP) {
			this.skipped.increment();
		}
		this.logger.warn("Subscription '{}' nacks {} with {}: {}", this.endpoint.id(), context, nack.getAction(),
				reason);
		this.lastAckNanos = System.nanoTime();
		try {
			subscription.nack(nack.getAction().clientAction(), reason, event);
		}
		catch (RuntimeException ex) {
			this.logger.warn("Subscription '{}' could not nack {}; the server will deliver it again: {}",
					this.endpoint.id(), context, ex.toString());
		}
		this.services.observer().eventNacked(this.endpoint.id(), context, nack.getAction(), reason);
		if (nack.getAction() == NackException.Action.STOP) {
			// The server treats a Stop nack as a no-op; stopping this consumer is up to us.
			recordError(nack);
			this.logger.warn("Subscription '{}' stops as its handler asked: {}", this.endpoint.id(), reason);
			return Exit.stop();
		}
		return null;
	}

	@Override
	protected void beforeClose(boolean failed) {
		long sinceLastAck = System.nanoTime() - this.lastAckNanos;
		long wait = ACK_FLUSH_GRACE.toNanos() - sinceLastAck;
		if (this.lastAckNanos != 0 && wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void ack(PersistentSubscription subscription, ResolvedEvent event) {
		this.lastAckNanos = System.nanoTime();
		try {
			subscription.ack(event);
		}
		catch (RuntimeException ex) {
			this.logger.warn("Subscription '{}' could not ack an event; the server will deliver it again: {}",
					this.endpoint.id(), ex.toString());
		}
	}

}
