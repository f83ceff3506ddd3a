package io.github.esdb.subscription;

/**
 * The two kinds of KurrentDB subscriptions.
 */
public enum SubscriptionKind {

	/** The client reads from a position it keeps (checkpoint store); events arrive in order. */
	CATCH_UP,
	/** The server keeps the position of a consumer group and tracks acks; events may be retried and parked. */
	PERSISTENT

}
