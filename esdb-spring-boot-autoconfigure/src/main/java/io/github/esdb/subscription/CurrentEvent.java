package io.github.esdb.subscription;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The event a subscription handler is handling on the current thread. Subscriptions set it around each handler call;
 * the template reads it to carry correlation and causation ids over and to derive idempotent event ids.
 */
public class CurrentEvent {

	private final ThreadLocal<EventContext> current = new ThreadLocal<>();

	/**
	 * The event being handled on this thread.
	 * @return the event's context, empty outside a handler
	 */
	public Optional<EventContext> get() {
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
	public <T> T callWith(EventContext event, Callable<T> call) throws Exception {
		EventContext previous = this.current.get();
		this.current.set(event);
		try {
			return call.call();
		}
		finally {
			if (previous != null) {
				this.current.set(previous);
			}
			else {
				this.current.remove();
			}
		}
	}

}
