package io.github.esdb.event;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * The event a subscription handler is handling on the current thread. Subscriptions set it around each handler call;
 * the template reads it to carry correlation and causation ids over and to derive idempotent event ids.
 */
public class CurrentEvent {

	/**
	 * The slot of each thread that ran a handler, looked up once per handler call and then read and written directly:
	 * every get and set of a thread-local is a lookup in the thread's map, three per event otherwise. A thread that
	 * only reads (a web request using the template) gets no slot.
	 */
	private final ThreadLocal<Slot> slots = new ThreadLocal<>();

	/**
	 * The event being handled on this thread.
	 * @return the event's envelope, empty outside a handler
	 */
	public Optional<EventEnvelope> get() {
		return invocation().map(Invocation::event);
	}

	/**
	 * The handler call under way on this thread. Every call is a new invocation, also when the same event is tried
	 * again, so that what one call counts (such as the events it appended) starts over on a retry.
	 * @return the invocation, empty outside a handler
	 */
	public Optional<Invocation> invocation() {
		Slot slot = this.slots.get();
		return (slot != null) ? Optional.ofNullable(slot.invocation) : Optional.empty();
	}

	/**
	 * Run a handler call with an event as the current one.
	 * @param <T> the result type
	 * @param event the event being handled
	 * @param call the handler call
	 * @return the call's result
	 * @throws Exception whatever the call throws
	 */
	public <T> T callWith(EventEnvelope event, Callable<T> call) throws Exception {
		Slot slot = this.slots.get();
		if (slot == null) {
			slot = new Slot();
			this.slots.set(slot);
		}
		Invocation previous = slot.invocation;
		slot.invocation = new Invocation(event);
		try {
			return call.call();
		}
		finally {
			// Kept rather than removed: the handler threads are long-lived (the client's, or the subscription's), and
			// a removal would cost a new map entry on the next call, once per event.
			slot.invocation = previous;
		}
	}

	/** What one thread is handling: only that thread reads or writes it. */
	private static final class Slot {

		@Nullable Invocation invocation;

	}

	/**
	 * One handler call with its event; identity tells calls apart.
	 */
	public static final class Invocation {

		private final EventEnvelope event;

		private Invocation(EventEnvelope event) {
			this.event = event;
		}

		/**
		 * The event being handled.
		 * @return its envelope
		 */
		public EventEnvelope event() {
			return this.event;
		}

	}

}
