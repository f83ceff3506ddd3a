package io.github.esdb.event;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The event a subscription handler is handling on the current thread. Subscriptions set it around each handler call;
 * the template reads it to carry correlation and causation ids over and to derive idempotent event ids.
 */
public class CurrentEvent {

	private final ThreadLocal<Invocation> current = new ThreadLocal<>();

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
		return Optional.ofNullable(this.current.get());
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
		Invocation previous = this.current.get();
		this.current.set(new Invocation(event));
		try {
			return call.call();
		}
		finally {
			// Set rather than removed: the handler threads are long-lived (the client's, or the subscription's), and
			// a removal would cost a new map entry on the next call, once per event.
			this.current.set(previous);
		}
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
