package io.github.esdb.core;

import java.util.List;

import io.kurrent.dbclient.StreamState;

/**
 * One stream's part of an atomic multi-stream append.
 *
 * @param stream the stream
 * @param expectedState the state the stream must be in for the whole append to succeed
 * @param events payload objects or {@link EventToAppend}s, in order
 */
public record StreamAppend(String stream, StreamState expectedState, List<?> events) {

	public StreamAppend {
		events = List.copyOf(events);
	}

	/**
	 * One stream's part of a multi-stream append.
	 * @param stream the stream
	 * @param expectedState the state the stream must be in
	 * @param events payload objects or {@link EventToAppend}s
	 * @return the part
	 */
	public static StreamAppend of(String stream, StreamState expectedState, Object... events) {
		return new StreamAppend(stream, expectedState, List.of(events));
	}

}
