package io.github.esdb.subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.ApplicationListener;

import io.github.esdb.subscription.event.SubscriptionEvent;

/**
 * Records the subscriptions' application events.
 */
public class SubscriptionEventsRecorder implements ApplicationListener<SubscriptionEvent> {

	private final List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();

	@Override
	public void onApplicationEvent(SubscriptionEvent event) {
		this.events.add(event);
	}

	public <T extends SubscriptionEvent> List<T> of(Class<T> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

}
