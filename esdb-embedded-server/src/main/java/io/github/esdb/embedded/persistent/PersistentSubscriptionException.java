package io.github.esdb.embedded.persistent;

/**
 * A management or subscribe request the engine refuses; the gRPC layer turns it into the real server's status and
 * trailers.
 */
public final class PersistentSubscriptionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Kind kind;

	private final String stream;

	private final String group;

	/**
	 * Creates the exception.
	 * @param kind what went wrong
	 * @param stream the stream ({@code $all} for {@code $all} groups)
	 * @param group the group ({@code ""} when listing a stream)
	 * @param reason the failure reason for {@link Kind#FAILED}, else a description
	 */
	public PersistentSubscriptionException(Kind kind, String stream, String group, String reason) {
		super(reason);
		this.kind = kind;
		this.stream = stream;
		this.group = group;
	}

	/**
	 * What went wrong.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The stream of the request.
	 * @return the stream
	 */
	public String stream() {
		return this.stream;
	}

	/**
	 * The group of the request.
	 * @return the group
	 */
	public String group() {
		return this.group;
	}

	/** The refusals the protocol distinguishes. */
	public enum Kind {

		/** Create of an existing group. */
		ALREADY_EXISTS,

		/** The group (or, for List, any group of the stream) does not exist. */
		NOT_FOUND,

		/** The group has {@code maxSubscriberCount} subscribers already. */
		MAXIMUM_SUBSCRIBERS_REACHED,

		/** Invalid settings. */
		FAILED

	}

}
