package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Calls several observers, so that one failing observer never breaks a subscription or the other observers.
 */
final class CompositeSubscriptionObserver implements SubscriptionObserver {

	private static final Logger logger = LoggerFactory.getLogger(CompositeSubscriptionObserver.class);

	private final SubscriptionObserver[] observers;

	CompositeSubscriptionObserver(List<SubscriptionObserver> observers) {
		this.observers = observers.toArray(new SubscriptionObserver[0]);
		for (SubscriptionObserver observer : this.observers) {
			Objects.requireNonNull(observer, "observers must not contain null");
		}
	}

	private void each(Consumer<SubscriptionObserver> call) {
		for (SubscriptionObserver observer : this.observers) {
			try {
				call.accept(observer);
			}
			catch (RuntimeException ex) {
				ignore(observer, ex);
			}
		}
	}

	private static void ignore(SubscriptionObserver observer, RuntimeException ex) {
		logger.warn("Subscription observer {} failed; ignoring it", observer, ex);
	}

	@Override
	public void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
		each((o) -> o.stateChanged(snapshot, previous));
	}

	@Override
	public void caughtUp(SubscriptionSnapshot snapshot) {
		each((o) -> o.caughtUp(snapshot));
	}

	@Override
	public void dropped(SubscriptionSnapshot snapshot, @Nullable Throwable cause) {
		each((o) -> o.dropped(snapshot, cause));
	}

	@Override
	public void failed(SubscriptionSnapshot snapshot, Throwable cause) {
		each((o) -> o.failed(snapshot, cause));
	}

	@Override
	public void reconnecting(String subscriptionId, int attempt, Duration delay, @Nullable Throwable cause) {
		each((o) -> o.reconnecting(subscriptionId, attempt, delay, cause));
	}

	@Override
	public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
		// Called for every event: a plain loop, not a capturing lambda allocated per call.
		for (SubscriptionObserver observer : this.observers) {
			try {
				observer.eventHandled(subscriptionId, event, duration);
			}
			catch (RuntimeException ex) {
				ignore(observer, ex);
			}
		}
	}

	@Override
	public boolean usesHandlerDuration() {
		for (SubscriptionObserver observer : this.observers) {
			try {
				if (observer.usesHandlerDuration()) {
					return true;
				}
			}
			catch (RuntimeException ex) {
				// As if it did: an observer that cannot say is given what it may need.
				ignore(observer, ex);
				return true;
			}
		}
		return false;
	}

	@Override
	public void eventSkipped(String subscriptionId, EventContext event, String reason) {
		each((o) -> o.eventSkipped(subscriptionId, event, reason));
	}

	@Override
	public void eventFailed(String subscriptionId, EventContext event, Throwable error) {
		each((o) -> o.eventFailed(subscriptionId, event, error));
	}

	@Override
	public void eventNacked(String subscriptionId, EventContext event, NackException.Action action, String reason) {
		each((o) -> o.eventNacked(subscriptionId, event, action, reason));
	}

	@Override
	public void checkpointCommitted(String subscriptionId, Checkpoint checkpoint) {
		each((o) -> o.checkpointCommitted(subscriptionId, checkpoint));
	}

	@Override
	public SubscriptionObserver forSubscription(String subscriptionId) {
		List<SubscriptionObserver> bound = new ArrayList<>(this.observers.length);
		for (SubscriptionObserver observer : this.observers) {
			try {
				bound.add(observer.forSubscription(subscriptionId));
			}
			catch (RuntimeException ex) {
				// As everywhere else here: the observer is kept, unbound.
				ignore(observer, ex);
				bound.add(observer);
			}
		}
		return new CompositeSubscriptionObserver(bound);
	}

}
