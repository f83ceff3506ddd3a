package io.github.esdb.core;

import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.StreamState;

/**
 * The outcome of a successful append to one stream.
 *
 * @param stream the stream appended to
 * @param nextExpectedRevision the revision of the stream's last event after the append; pass it (via
 * {@link #nextExpectedState()}) as the expected state of the next append to detect concurrent writers
 * @param logPosition the position of the last written event in {@code $all}, or {@code null} when the server did not
 * report one
 */
public record AppendResult(String stream, long nextExpectedRevision, Position logPosition) {

	/**
	 * The expected state for the next append to this stream.
	 * @return {@code StreamState.streamRevision(nextExpectedRevision)}
	 */
	public StreamState nextExpectedState() {
		return StreamState.streamRevision(this.nextExpectedRevision);
	}

}
