package io.github.esdb.core;

import java.util.OptionalLong;

import io.kurrent.dbclient.StreamState;

import org.springframework.dao.OptimisticLockingFailureException;

/**
 * A write found the stream in another state than the caller expected: someone else appended (or deleted) in between.
 * Reload the stream and decide again.
 */
public class EsdbWrongExpectedVersionException extends OptimisticLockingFailureException {

	private final String stream;

	private final StreamState expectedState;

	private final StreamState actualState;

	/**
	 * Create the exception.
	 * @param stream the stream written to
	 * @param expectedState the state the caller expected
	 * @param actualState the state the server found ({@code noStream()} when the stream does not exist)
	 * @param cause the client's exception
	 */
	public EsdbWrongExpectedVersionException(String stream, StreamState expectedState, StreamState actualState,
			Throwable cause) {
		super("Wrong expected version for stream '" + stream + "': expected " + describe(expectedState) + ", actual "
				+ describe(actualState), cause);
		this.stream = stream;
		this.expectedState = expectedState;
		this.actualState = actualState;
	}

	/**
	 * The stream written to.
	 * @return the stream name
	 */
	public String getStream() {
		return this.stream;
	}

	/**
	 * The state the caller expected.
	 * @return the expected state
	 */
	public StreamState getExpectedState() {
		return this.expectedState;
	}

	/**
	 * The state the server found.
	 * @return the actual state
	 */
	public StreamState getActualState() {
		return this.actualState;
	}

	/**
	 * The revision the caller expected.
	 * @return the revision, empty when the caller expected any, no stream or an existing stream
	 */
	public OptionalLong getExpectedRevision() {
		return revisionOf(this.expectedState);
	}

	/**
	 * The revision of the stream's last event on the server.
	 * @return the revision, empty when the stream does not exist
	 */
	public OptionalLong getActualRevision() {
		return revisionOf(this.actualState);
	}

	private static OptionalLong revisionOf(StreamState state) {
		long raw = (state != null) ? state.toRawLong() : -1;
		return (raw >= 0) ? OptionalLong.of(raw) : OptionalLong.empty();
	}

	static String describe(StreamState state) {
		if (state == null) {
			return "unknown";
		}
		long raw = state.toRawLong();
		if (raw >= 0) {
			return "revision " + raw;
		}
		if (raw == -1) {
			return "no stream";
		}
		if (raw == -2) {
			return "any";
		}
		if (raw == -4) {
			return "stream exists";
		}
		return state.toString();
	}

}
