package io.github.esdb.embedded.grpc;

/**
 * The stream operations an ACL grants, with their {@code $acl} keys. Reading or writing a metastream
 * ({@code $$name}) is a metadata read or write of {@code name}.
 */
public enum StreamAccess {

	/** Read events, or subscribe. */
	READ("$r", "read"),

	/** Append events. */
	WRITE("$w", "write"),

	/** Delete or tombstone the stream. */
	DELETE("$d", "delete"),

	/** Read the stream's metadata. */
	METADATA_READ("$mr", "metadata read"),

	/** Write the stream's metadata. */
	METADATA_WRITE("$mw", "metadata write");

	private final String aclKey;

	private final String description;

	StreamAccess(String aclKey, String description) {
		this.aclKey = aclKey;
		this.description = description;
	}

	/**
	 * The key of this operation in an {@code $acl} object.
	 * @return e.g. {@code $r}
	 */
	public String aclKey() {
		return this.aclKey;
	}

	/**
	 * A short description for logs.
	 * @return e.g. {@code read}
	 */
	public String description() {
		return this.description;
	}

}
