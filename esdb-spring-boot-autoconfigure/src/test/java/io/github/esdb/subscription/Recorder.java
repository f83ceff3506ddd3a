package io.github.esdb.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects what handlers received, for assertions.
 */
public class Recorder {

	private final List<Object> received = new CopyOnWriteArrayList<>();

	private final List<EventContext> contexts = new CopyOnWriteArrayList<>();

	public void record(Object payload, EventContext context) {
		this.received.add(payload);
		if (context != null) {
			this.contexts.add(context);
		}
	}

	public List<Object> received() {
		return new ArrayList<>(this.received);
	}

	public List<EventContext> contexts() {
		return new ArrayList<>(this.contexts);
	}

	public int size() {
		return this.received.size();
	}

}
