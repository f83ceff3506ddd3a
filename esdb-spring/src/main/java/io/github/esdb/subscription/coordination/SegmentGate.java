package io.github.esdb.subscription.coordination;

/**
 * Decides whether this instance may try to acquire a free segment of a segmented subscription now, so that the
 * segments spread over the instances instead of going to the first one that looks.
 */
@FunctionalInterface
interface SegmentGate {

	/**
	 * Whether to try now.
	 * @return true when this instance holds fewer segments than its share and no member holds fewer
	 */
	boolean mayAcquire();

}
