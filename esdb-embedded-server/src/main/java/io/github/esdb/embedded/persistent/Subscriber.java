package io.github.esdb.embedded.persistent;

/**
 * The engine's view of one connected consumer (one {@code Read} call). Every method is called with the group's lock
 * held, so calls to one subscriber are never concurrent.
 */
public interface Subscriber {

	/**
	 * Whether the transport can take another message now (gRPC flow control); when false, the group stops sending
	 * to this subscriber until {@link PersistentSubscriptionGroup#wakeUp()} is called.
	 * @return true when ready
	 */
	boolean isReady();

	/**
	 * Sends one event.
	 * @param message the message
	 */
	void deliver(Message message);

	/**
	 * Ends the subscription from the server side.
	 * @param reason why
	 */
	void drop(DropReason reason);

	/**
	 * Ends the subscription with a specific error, e.g. when the group's filter cannot be evaluated.
	 * @param error the status the subscriber's call ends with
	 */
	default void failed(io.grpc.StatusRuntimeException error) {
		drop(DropReason.UNSUBSCRIBED);
	}

	/** Why the server ends a subscriber's call. */
	enum DropReason {

		/** The group was deleted. */
		DELETED,

		/** The group was updated or the subsystem restarted. */
		UNSUBSCRIBED,

		/** The server is stopping. */
		SHUTDOWN

	}

}
