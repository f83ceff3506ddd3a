package io.github.esdb.subscription;

import java.util.List;

import io.kurrent.dbclient.ResolvedEvent;

/**
 * An {@link EventDispatcher} that hands several events to one handler call (a batch handler: one transaction, one
 * checkpoint and, for a persistent subscription, one ack per batch). The container gathers the events it
 * {@link #accepts accepts} into batches of at most {@link BatchSettings#size()} events, or fewer once
 * {@link BatchSettings#maxWait()} passed since the first one arrived; events it does not accept are skipped as a
 * single-event handler skips the types it does not take.
 */
public interface BatchEventDispatcher extends EventDispatcher {

	/**
	 * Whether the handler takes this event; the others are skipped (the checkpoint moves past them, a persistent
	 * subscription acks them).
	 * @param context the event
	 * @return true if it goes into a batch
	 */
	boolean accepts(EventContext context);

	/**
	 * Hand a batch to the handler.
	 * @param events the events, in the order they were received, all {@link #accepts accepted}
	 * @param contexts their contexts, index for index
	 * @throws Exception what the handler threw: a {@link BatchHandlerFailedException} names the failed event
	 */
	void dispatchBatch(List<ResolvedEvent> events, List<EventContext> contexts) throws Exception;

	/**
	 * How big and how old a batch may get, as declared; the container applies the configured defaults and per-id
	 * overrides to what is unset.
	 * @return the declared settings
	 */
	BatchSettings batchSettings();

	@Override
	default boolean dispatch(ResolvedEvent event, EventContext context) throws Exception {
		if (!accepts(context)) {
			return false;
		}
		dispatchBatch(List.of(event), List.of(context));
		return true;
	}

}
