package io.github.esdb.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The retention and custom settings of a stream, kept by KurrentDB in the stream's metadata stream
 * ({@code $$<stream>}). Unset values are {@code null}. Setting metadata replaces the previous metadata as a whole.
 *
 * @param maxCount keep at most this many of the newest events ({@code $maxCount})
 * @param maxAge hide events older than this ({@code $maxAge}, whole seconds)
 * @param truncateBefore hide events with a lower revision ({@code $tb})
 * @param cacheControl how long readers may cache the stream's head ({@code $cacheControl}, whole seconds)
 * @param custom the application's own keys, stored next to the system ones
 */
public record EsdbStreamMetadata(Long maxCount, Duration maxAge, Long truncateBefore, Duration cacheControl,
		Map<String, Object> custom) {

	public EsdbStreamMetadata {
		custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
	}

	/**
	 * Metadata with nothing set.
	 * @return empty metadata
	 */
	public static EsdbStreamMetadata empty() {
		return new EsdbStreamMetadata(null, null, null, null, Map.of());
	}

	/**
	 * Set {@code $maxCount}.
	 * @param maxCount how many of the newest events to keep
	 * @return a copy with the value
	 */
	public EsdbStreamMetadata withMaxCount(long maxCount) {
		return new EsdbStreamMetadata(maxCount, this.maxAge, this.truncateBefore, this.cacheControl, this.custom);
	}

	/**
	 * Set {@code $maxAge}.
	 * @param maxAge how long events stay visible; KurrentDB keeps whole seconds
	 * @return a copy with the value
	 */
	public EsdbStreamMetadata withMaxAge(Duration maxAge) {
		return new EsdbStreamMetadata(this.maxCount, maxAge, this.truncateBefore, this.cacheControl, this.custom);
	}

	/**
	 * Set {@code $tb}.
	 * @param truncateBefore the first revision that stays visible
	 * @return a copy with the value
	 */
	public EsdbStreamMetadata withTruncateBefore(long truncateBefore) {
		return new EsdbStreamMetadata(this.maxCount, this.maxAge, truncateBefore, this.cacheControl, this.custom);
	}

	/**
	 * Set {@code $cacheControl}.
	 * @param cacheControl how long readers may cache; KurrentDB keeps whole seconds
	 * @return a copy with the value
	 */
	public EsdbStreamMetadata withCacheControl(Duration cacheControl) {
		return new EsdbStreamMetadata(this.maxCount, this.maxAge, this.truncateBefore, cacheControl, this.custom);
	}

	/**
	 * Set a custom key.
	 * @param key the key; keys starting with {@code $} are reserved by KurrentDB
	 * @param value a JSON-compatible value
	 * @return a copy with the key
	 */
	public EsdbStreamMetadata withCustom(String key, Object value) {
		Map<String, Object> copy = new LinkedHashMap<>(this.custom);
		copy.put(key, value);
		return new EsdbStreamMetadata(this.maxCount, this.maxAge, this.truncateBefore, this.cacheControl, copy);
	}

}
