package io.github.esdb.embedded.grpc;

/**
 * Size limits of appends, in bytes; an event's size is its data, user metadata and type.
 *
 * @param maxAppendSize maximum total size of one append (all events of the request)
 * @param maxEventSize maximum size of one event
 */
public record AppendLimits(int maxAppendSize, int maxEventSize) {

	/** The real server's default append limit (1 MiB) and a 16 MiB event limit. */
	public static final AppendLimits DEFAULT = new AppendLimits(1024 * 1024, 16 * 1024 * 1024);

}
