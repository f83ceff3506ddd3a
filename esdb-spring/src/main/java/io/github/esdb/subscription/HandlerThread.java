package io.github.esdb.subscription;

/**
 * Which thread calls the handler of a subscription that handles one event at a time (no partitions, no batch
 * handler, not a segment; those always run on the subscription's worker threads). Set for catch-up and persistent
 * subscriptions apart.
 */
public enum HandlerThread {

	/**
	 * The thread the client delivers the event on, as a raw client listener: no hand-over between threads per event,
	 * the fastest. The client asks the server for more events only after the handler returned, so a slow handler
	 * holds back the server and memory stays bounded (a persistent group's server never has more than the buffer
	 * size out anyway). The thread is the client's (its name is gRPC's), and it is interrupted only by a stop that
	 * timed out.
	 */
	CLIENT,

	/**
	 * The subscription's own worker thread from the task executor, named {@code esdb-subscription-<id>}, behind a
	 * queue that it takes in batches (at most {@code batch-size} events for catch-up, the buffer size for
	 * persistent): one hand-over between threads per batch.
	 * For handlers that rely on the thread's name or on thread-bound state set up per subscription.
	 */
	WORKER

}
