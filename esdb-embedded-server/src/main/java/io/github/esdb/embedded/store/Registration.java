package io.github.esdb.embedded.store;

/** Handle to remove a listener. */
@FunctionalInterface
public interface Registration extends AutoCloseable {

	/** Removes the listener; idempotent. */
	@Override
	void close();

}
