package io.github.esdb.core;

import io.kurrent.dbclient.StreamState;

/**
 * A stream folded into a state, with the stream's version so that the next append can detect concurrent writers.
 *
 * @param <S> the state type
 * @param state the folded state; the initial state when the stream does not exist
 * @param expectedState {@code noStream()} when the stream does not exist, else the revision of the last folded
 * event; pass it to {@link EsdbOperations#append(String, StreamState, java.util.List)}
 */
public record Folded<S>(S state, StreamState expectedState) {

	/**
	 * Whether any event was folded.
	 * @return false when the stream does not exist
	 */
	public boolean exists() {
		return !StreamState.noStream().equals(this.expectedState);
	}

}
