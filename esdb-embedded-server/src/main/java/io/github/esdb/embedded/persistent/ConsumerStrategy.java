package io.github.esdb.embedded.persistent;

import java.util.List;
import java.util.Set;

/**
 * Decides which subscriber of a group receives a message. Implementations keep per-group state and are only called
 * with the group lock held.
 */
interface ConsumerStrategy {

	/** Sends everything to one subscriber until it is full, then to the next. */
	String DISPATCH_TO_SINGLE = "DispatchToSingle";

	/** Rotates over the subscribers that have room. */
	String ROUND_ROBIN = "RoundRobin";

	/** Pins each source stream to one subscriber. */
	String PINNED = "Pinned";

	/** Pins each {@code $correlationId} (falling back to the source stream) to one subscriber. */
	String PINNED_BY_CORRELATION = "PinnedByCorrelation";

	/** The strategy names the server accepts, spelled as GetInfo reports them. */
	Set<String> NAMES = Set.of(DISPATCH_TO_SINGLE, ROUND_ROBIN, PINNED, PINNED_BY_CORRELATION);

	/**
	 * Chooses the subscriber for a message.
	 * @param message the message
	 * @param subscribers the connected subscribers, in connection order
	 * @return where it goes, or why it cannot go now
	 */
	Choice choose(Message message, List<SubscriberConnection> subscribers);

	/**
	 * Forgets a subscriber that disconnected.
	 * @param subscriber the subscriber
	 */
	default void removed(SubscriberConnection subscriber) {
	}

	/**
	 * Creates a strategy by name.
	 * @param name one of {@link #NAMES}
	 * @return a fresh strategy
	 */
	static ConsumerStrategy create(String name) {
		return switch (name) {
			case DISPATCH_TO_SINGLE -> new DispatchToSingleStrategy();
			case PINNED -> new PinnedStrategy(false);
			case PINNED_BY_CORRELATION -> new PinnedStrategy(true);
			default -> new RoundRobinStrategy();
		};
	}

	/**
	 * The outcome of {@link #choose}.
	 *
	 * @param outcome what happened
	 * @param target the subscriber when {@link Outcome#SEND}
	 */
	record Choice(Outcome outcome, SubscriberConnection target) {

		static final Choice NO_CAPACITY = new Choice(Outcome.NO_CAPACITY, null);

		static final Choice SKIPPED = new Choice(Outcome.SKIPPED, null);

		static Choice send(SubscriberConnection target) {
			return new Choice(Outcome.SEND, target);
		}

	}

	/** What a strategy decided. */
	enum Outcome {

		/** Deliver to the target. */
		SEND,

		/** This message cannot go now (its pinned subscriber is full), but later ones might. */
		SKIPPED,

		/** No subscriber can take anything: stop pushing. */
		NO_CAPACITY

	}

}
