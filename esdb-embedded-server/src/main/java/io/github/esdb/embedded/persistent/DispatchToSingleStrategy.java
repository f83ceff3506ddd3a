package io.github.esdb.embedded.persistent;

import java.util.List;

/** Fills the first subscriber with room, in connection order, before using the next one. */
final class DispatchToSingleStrategy implements ConsumerStrategy {

	@Override
	public Choice choose(Message message, List<SubscriberConnection> subscribers) {
		for (SubscriberConnection subscriber : subscribers) {
			if (subscriber.canTake()) {
				return Choice.send(subscriber);
			}
		}
		return Choice.NO_CAPACITY;
	}

}
