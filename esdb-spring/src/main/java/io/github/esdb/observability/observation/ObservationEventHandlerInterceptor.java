package io.github.esdb.observability.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * Wraps each handler invocation in an {@code esdb.subscription.handler} observation, in scope while the handler runs:
 * the meter handler turns it into a timer, a tracing handler into a consumer span that continues the trace recorded
 * in the event's metadata, and the handler's own logs and calls carry that trace.
 */
public class ObservationEventHandlerInterceptor implements EventHandlerInterceptor {

	private static final EventHandlerObservationConvention DEFAULT_CONVENTION = new DefaultEventHandlerObservationConvention();

	private final ObservationRegistry registry;

	private final EventHandlerObservationConvention customConvention;

	/**
	 * Create the interceptor.
	 * @param registry the observation registry
	 * @param customConvention a convention replacing the default one, or {@code null}
	 */
	public ObservationEventHandlerInterceptor(ObservationRegistry registry,
			EventHandlerObservationConvention customConvention) {
		this.registry = registry;
		this.customConvention = customConvention;
	}

	@Override
	public boolean intercept(SubscriptionEndpoint endpoint, EventContext event, Invocation invocation)
			throws Exception {
		if (this.registry.isNoop()) {
			// Nothing observes: no context, no observation, nothing per event.
			return invocation.proceed();
		}
		EventHandlerObservationContext context = new EventHandlerObservationContext(endpoint, event);
		Observation observation = Observation.createNotStarted(this.customConvention, DEFAULT_CONVENTION,
				() -> context, this.registry);
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			boolean handled = invocation.proceed();
			context.setOutcome(handled ? "handled" : "skipped");
			return handled;
		}
		catch (NackException ex) {
			context.setOutcome("nacked");
			observation.error(ex);
			throw ex;
		}
		catch (Exception | Error ex) {
			context.setOutcome("failed");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

}
