package io.github.esdb.embedded.persistent;

/**
 * Everything that defines a persistent subscription group and is persisted in {@code $persistentSubscriptionConfig}.
 *
 * @param stream the source stream, or {@code $all}
 * @param group the group name
 * @param startFrom for a stream: the first revision to deliver ({@code -1} = end); for {@code $all}: the commit
 * position of the first record to deliver ({@code -1} = end)
 * @param startPrepare for {@code $all}: the prepare position sent with {@code startFrom} (echoed by GetInfo)
 * @param filter the {@code $all} filter, or null
 * @param settings the settings
 */
public record GroupDefinition(String stream, String group, long startFrom, long startPrepare, AllFilter filter,
		GroupSettings settings) {

	/** Name of the {@code $all} pseudo-stream. */
	public static final String ALL = "$all";

	/**
	 * Whether the group reads {@code $all}.
	 * @return true for {@code $all} groups
	 */
	public boolean isAll() {
		return ALL.equals(this.stream);
	}

	/**
	 * The key the real server uses for the group everywhere (subscription id, system stream names).
	 * @return {@code <stream>::<group>}
	 */
	public String key() {
		return key(this.stream, this.group);
	}

	/**
	 * The key of a group.
	 * @param stream the stream or {@code $all}
	 * @param group the group
	 * @return {@code <stream>::<group>}
	 */
	public static String key(String stream, String group) {
		return stream + "::" + group;
	}

	/**
	 * The stream holding the group's checkpoints.
	 * @return {@code $persistentsubscription-<key>-checkpoint}
	 */
	public String checkpointStream() {
		return "$persistentsubscription-" + key() + "-checkpoint";
	}

	/**
	 * The stream holding links to the group's parked events.
	 * @return {@code $persistentsubscription-<key>-parked}
	 */
	public String parkedStream() {
		return "$persistentsubscription-" + key() + "-parked";
	}

	/**
	 * The start position as GetInfo reports it.
	 * @return a revision for streams, {@code C:<commit>/P:<prepare>} for {@code $all}
	 */
	public String startFromText() {
		return isAll() ? "C:" + this.startFrom + "/P:" + this.startPrepare : Long.toString(this.startFrom);
	}

	/**
	 * Formats a group position (a revision, or a log position for {@code $all}) as GetInfo reports it.
	 * @param position the position
	 * @return the text
	 */
	String positionText(long position) {
		return isAll() ? "C:" + position + "/P:" + position : Long.toString(position);
	}

}
