package io.github.esdb.embedded.store;

/**
 * Raw expected-revision values, the same encoding the protocol uses in trailers and in v2 appends: a revision
 * {@code >= 0} or one of the constants below.
 */
public final class ExpectedRevision {

	/** The stream must not exist (or be soft-deleted). */
	public static final long NO_STREAM = -1;

	/** No check. */
	public static final long ANY = -2;

	/** The stream must have at least one event. */
	public static final long STREAM_EXISTS = -4;

	private ExpectedRevision() {
	}

}
