package io.github.esdb.embedded.grpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open reads and subscriptions of one server run, so a shutdown ends them at once with UNAVAILABLE (what a client
 * sees from a stopping node) instead of waiting for them or leaving them to the transport.
 */
public final class ActiveCalls {

	private final Set<ResponsePump<?>> pumps = ConcurrentHashMap.newKeySet();

	void add(ResponsePump<?> pump) {
		this.pumps.add(pump);
	}

	void remove(ResponsePump<?> pump) {
		this.pumps.remove(pump);
	}

	/**
	 * Ends every tracked call with UNAVAILABLE.
	 * @param reason the status description
	 */
	public void failAll(String reason) {
		for (ResponsePump<?> pump : this.pumps) {
			pump.fail(Errors.unavailable(reason));
		}
	}

	/**
	 * Number of calls still open.
	 * @return the count
	 */
	public int size() {
		return this.pumps.size();
	}

}
