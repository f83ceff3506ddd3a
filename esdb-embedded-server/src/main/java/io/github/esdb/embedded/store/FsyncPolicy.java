package io.github.esdb.embedded.store;

import java.util.Locale;

/**
 * When a durable store forces its log file to the disk. Every commit is written to the file (the operating system's
 * cache) before the client gets its answer, whatever the policy, so a process that is killed or crashes loses
 * nothing; the policy only decides what a power cut or an operating system crash may take.
 */
public enum FsyncPolicy {

	/** Force after every commit, before the client is answered (what a real node does): safest, slowest. */
	ALWAYS,

	/** Force at most once a second from a background thread: a power cut loses at most about a second of commits. */
	INTERVAL,

	/** Never force; the operating system writes the file back when it likes. */
	NEVER;

	/**
	 * Parses {@code always}, {@code interval} or {@code never} (any case).
	 * @param value the text
	 * @return the policy
	 * @throws IllegalArgumentException for anything else
	 */
	public static FsyncPolicy parse(String value) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Unknown fsync policy '" + value + "'; expected always, interval or never", ex);
		}
	}

}
