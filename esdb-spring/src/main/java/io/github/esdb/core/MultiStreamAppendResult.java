package io.github.esdb.core;

import java.util.Map;

import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.StreamState;

/**
 * The outcome of a successful atomic append to several streams.
 *
 * @param logPosition the position in {@code $all} of the last written event
 * @param revisions for each stream appended to, the revision of its last event after the append
 */
public record MultiStreamAppendResult(Position logPosition, Map<String, Long> revisions) {

	public MultiStreamAppendResult {
		revisions = Map.copyOf(revisions);
	}

	/**
	 * The expected state for the next append to one of the streams.
	 * @param stream a stream that was part of the append
	 * @return the stream's revision as an expected state
	 * @throws IllegalArgumentException if the stream was not part of the append
	 */
	public StreamState nextExpectedState(String stream) {
		Long revision = this.revisions.get(stream);
		if (revision == null) {
			throw new IllegalArgumentException("Stream '" + stream + "' was not part of this append; it appended to "
					+ this.revisions.keySet());
		}
		return StreamState.streamRevision(revision);
	}

}
