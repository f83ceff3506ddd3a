package io.github.esdb.observability.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the handler observation; declare a bean of this type to change them.
 */
public interface EventHandlerObservationConvention extends ObservationConvention<EventHandlerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof EventHandlerObservationContext;
	}

}
