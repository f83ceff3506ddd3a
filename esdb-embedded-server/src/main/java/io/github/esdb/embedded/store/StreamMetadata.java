package io.github.esdb.embedded.store;

/**
 * The parts of stream metadata ({@code $$stream}) that change what reads return.
 *
 * @param maxCount {@code $maxCount}, or null
 * @param maxAgeSeconds {@code $maxAge} in seconds, or null
 * @param truncateBefore {@code $tb}, or null ({@link Long#MAX_VALUE} after a soft delete)
 */
public record StreamMetadata(Long maxCount, Long maxAgeSeconds, Long truncateBefore) {

	/** No metadata. */
	public static final StreamMetadata NONE = new StreamMetadata(null, null, null);

	/** Metastreams keep only their latest event visible. */
	static final StreamMetadata METASTREAM = new StreamMetadata(1L, null, null);

}
