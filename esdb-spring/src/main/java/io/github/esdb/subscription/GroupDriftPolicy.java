package io.github.esdb.subscription;

/**
 * What a persistent subscription does when its group already exists on the server with settings other than those
 * the application declares.
 */
public enum GroupDriftPolicy {

	/** Log each differing setting at WARN and use the group as it is. */
	WARN,

	/** Update the group to the declared settings (its position is kept) and log what changed. */
	UPDATE,

	/** Fail the subscription with the differing settings, so that nobody consumes a group configured otherwise. */
	FAIL

}
