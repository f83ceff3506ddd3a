package io.github.esdb.subscription.container;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.EventEnvelope;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing observer never keeps the others from hearing about an event, on the per-event path (handled) or any
 * other.
 */
class CompositeSubscriptionObserverTests {

	private static final EventContext EVENT = new EventContext("s", new EventEnvelope("orders", 3, null,
			UUID.randomUUID(), "OrderPlaced", Instant.now(), Map.of(), new byte[0]), null);

	@Test
	void aFailingObserverDoesNotStopTheOthers() {
		List<String> heard = new ArrayList<>();
		SubscriptionObserver failing = new SubscriptionObserver() {

			@Override
			public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
				heard.add("failing handled");
				throw new IllegalStateException("observer broke");
			}

			@Override
			public void checkpointCommitted(String subscriptionId, Checkpoint checkpoint) {
				heard.add("failing committed");
				throw new IllegalStateException("observer broke");
			}

		};
		SubscriptionObserver recording = new SubscriptionObserver() {

			@Override
			public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
				heard.add("handled " + subscriptionId + " " + event.event().revision() + " " + duration.toMillis());
			}

			@Override
			public void checkpointCommitted(String subscriptionId, Checkpoint checkpoint) {
				heard.add("committed " + subscriptionId + " " + checkpoint.revision());
			}

		};
		CompositeSubscriptionObserver composite = new CompositeSubscriptionObserver(List.of(failing, recording));

		composite.eventHandled("s", EVENT, Duration.ofMillis(7));
		composite.checkpointCommitted("s", Checkpoint.ofRevision(3));

		assertThat(heard).containsExactly("failing handled", "handled s 3 7", "failing committed", "committed s 3");
	}

	@Test
	void boundToASubscriptionEachObserverIsBoundAndOneThatCannotBeIsKeptAsItIs() {
		List<String> heard = new ArrayList<>();
		SubscriptionObserver binding = new SubscriptionObserver() {

			@Override
			public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
				heard.add("unbound handled " + subscriptionId);
			}

			@Override
			public SubscriptionObserver forSubscription(String subscriptionId) {
				return new SubscriptionObserver() {

					@Override
					public void eventHandled(String id, EventContext event, Duration duration) {
						heard.add("bound to " + subscriptionId + " handled " + id);
					}

				};
			}

		};
		SubscriptionObserver unbindable = new SubscriptionObserver() {

			@Override
			public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
				heard.add("kept handled " + subscriptionId);
			}

			@Override
			public SubscriptionObserver forSubscription(String subscriptionId) {
				throw new IllegalStateException("observer broke");
			}

		};
		SubscriptionObserver bound = new CompositeSubscriptionObserver(List.of(binding, unbindable))
			.forSubscription("s");

		bound.eventHandled("s", EVENT, Duration.ZERO);

		assertThat(heard).containsExactly("bound to s handled s", "kept handled s");
	}

	@Test
	void handlersAreTimedWhenAnyObserverUsesTheDurationOrCannotSay() {
		SubscriptionObserver untimed = new SubscriptionObserver() {

			@Override
			public boolean usesHandlerDuration() {
				return false;
			}

		};
		SubscriptionObserver broken = new SubscriptionObserver() {

			@Override
			public boolean usesHandlerDuration() {
				throw new IllegalStateException("observer broke");
			}

		};
		assertThat(new CompositeSubscriptionObserver(List.of()).usesHandlerDuration()).isFalse();
		assertThat(new CompositeSubscriptionObserver(List.of(untimed, untimed)).usesHandlerDuration()).isFalse();
		// The interface's default: an observer written before the method existed still gets durations.
		assertThat(new CompositeSubscriptionObserver(List.of(untimed, new SubscriptionObserver() {
		})).usesHandlerDuration()).isTrue();
		assertThat(new CompositeSubscriptionObserver(List.of(untimed, broken)).usesHandlerDuration()).isTrue();
	}

}
