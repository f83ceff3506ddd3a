package io.github.esdb.observability.observation;

import java.util.Locale;

import io.micrometer.common.KeyValues;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * The default handler observation: named {@code esdb.subscription.handler}, with the low-cardinality keys
 * {@code subscription}, {@code kind} and {@code outcome} (these become the timer's tags) and the high-cardinality keys
 * {@code esdb.stream}, {@code esdb.group}, {@code esdb.event.type}, {@code esdb.event.id} and {@code esdb.revision}
 * (span tags only).
 */
public class DefaultEventHandlerObservationConvention implements EventHandlerObservationConvention {

	/** The observation (and timer) name. */
	public static final String NAME = "esdb.subscription.handler";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(EventHandlerObservationContext context) {
		return context.getEndpoint().id() + " process";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EventHandlerObservationContext context) {
		SubscriptionEndpoint endpoint = context.getEndpoint();
		return KeyValues.of("subscription", endpoint.id(), "kind",
				endpoint.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), "outcome", context.getOutcome());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EventHandlerObservationContext context) {
		EventContext event = context.getEvent();
		KeyValues values = KeyValues.of("esdb.stream", event.stream(), "esdb.event.type", event.eventType(),
				"esdb.event.id", String.valueOf(event.eventId()), "esdb.revision", String.valueOf(event.revision()));
		String group = context.getEndpoint().group();
		return (group != null) ? values.and("esdb.group", group) : values;
	}

}
