package io.github.esdb.subscription.event;

import org.springframework.context.ApplicationEventPublisher;

import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionSnapshot;
import io.github.esdb.subscription.SubscriptionState;

/**
 * Publishes the subscriptions' life as application events, so that {@code @EventListener} methods can react.
 */
public class ApplicationEventSubscriptionObserver implements SubscriptionObserver {

	private final ApplicationEventPublisher publisher;

	public ApplicationEventSubscriptionObserver(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public boolean usesHandlerDuration() {
		return false;
	}

	@Override
	public void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
		if (previous == SubscriptionState.STARTING
				&& (snapshot.state() == SubscriptionState.CATCHING_UP || snapshot.state() == SubscriptionState.LIVE)) {
			this.publisher.publishEvent(new SubscriptionStartedEvent(snapshot));
		}
		else if (snapshot.state() == SubscriptionState.STOPPED) {
			this.publisher.publishEvent(new SubscriptionStoppedEvent(snapshot));
		}
	}

	@Override
	public void caughtUp(SubscriptionSnapshot snapshot) {
		this.publisher.publishEvent(new SubscriptionCaughtUpEvent(snapshot));
	}

	@Override
	public void dropped(SubscriptionSnapshot snapshot, Throwable cause) {
		this.publisher.publishEvent(new SubscriptionDroppedEvent(snapshot, cause));
	}

	@Override
	public void failed(SubscriptionSnapshot snapshot, Throwable cause) {
		this.publisher.publishEvent(new SubscriptionFailedEvent(snapshot, cause));
	}

}
