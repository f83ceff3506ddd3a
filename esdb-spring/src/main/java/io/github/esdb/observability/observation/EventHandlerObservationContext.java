package io.github.esdb.observability.observation;

import io.micrometer.observation.transport.ReceiverContext;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * The observation context of one handler invocation. It is a {@link ReceiverContext} whose carrier is the event, so
 * that a tracing handler continues the trace the writer recorded in the event's metadata (see
 * {@link EventMetadataGetter}).
 */
public class EventHandlerObservationContext extends ReceiverContext<EventContext> {

	private final SubscriptionEndpoint endpoint;

	private final EventContext event;

	private String outcome = "handled";

	/**
	 * Create the context.
	 * @param endpoint the subscription
	 * @param event the event
	 */
	public EventHandlerObservationContext(SubscriptionEndpoint endpoint, EventContext event) {
		super(new EventMetadataGetter());
		this.endpoint = endpoint;
		this.event = event;
		setCarrier(event);
		setRemoteServiceName("kurrentdb");
	}

	/**
	 * The subscription.
	 * @return the endpoint
	 */
	public SubscriptionEndpoint getEndpoint() {
		return this.endpoint;
	}

	/**
	 * The event.
	 * @return the event context
	 */
	public EventContext getEvent() {
		return this.event;
	}

	/**
	 * How the invocation ended: {@code handled}, {@code skipped} (no handler for the type), {@code nacked} (the
	 * handler threw a NackException) or {@code failed}.
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Set the outcome.
	 * @param outcome the outcome
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
