package io.github.esdb.embedded.persistent;

import java.util.List;

/** Hands each message to the next subscriber (in rotation) that has room. */
final class RoundRobinStrategy implements ConsumerStrategy {

	private int next;

	@Override
	public Choice choose(Message message, List<SubscriberConnection> subscribers) {
		int count = subscribers.size();
		for (int i = 0; i < count; i++) {
			int index = Math.floorMod(this.next + i, count);
			SubscriberConnection subscriber = subscribers.get(index);
			if (subscriber.canTake()) {
				this.next = index + 1;
				return Choice.send(subscriber);
			}
		}
		return Choice.NO_CAPACITY;
	}

}
