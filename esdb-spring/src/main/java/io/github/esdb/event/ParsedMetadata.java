package io.github.esdb.event;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * An event's user metadata as a read-only map that parses the stored bytes on its first use. Most handlers never
 * look at the metadata, while parsing it costs a JSON read per event; events written through the template carry at
 * least a correlation id, so every delivered event would pay for a map nobody reads.
 * <p>
 * Thread-safe: a handler may hand the envelope to other threads. Two threads that use it first at the same moment may
 * both parse it; both get equal maps and one of them is kept.
 */
final class ParsedMetadata extends AbstractMap<String, Object> {

	private final byte[] raw;

	private final Function<byte[], Map<String, Object>> reader;

	private volatile @Nullable Map<String, Object> parsed;

	private ParsedMetadata(byte[] raw, Function<byte[], Map<String, Object>> reader) {
		this.raw = raw;
		this.reader = reader;
	}

	/**
	 * The metadata of an event.
	 * @param raw the stored bytes, may be empty
	 * @param reader parses them (the serializer's {@code readMetadata}): once, unless threads use the map first at the
	 * same moment, or on every use for as long as it throws
	 * @return an empty map when there are no bytes, else a map that parses them when first used
	 */
	static Map<String, Object> of(byte @Nullable [] raw, Function<byte[], Map<String, Object>> reader) {
		return (raw == null || raw.length == 0) ? Collections.emptyMap() : new ParsedMetadata(raw, reader);
	}

	private Map<String, Object> parsed() {
		Map<String, Object> map = this.parsed;
		if (map == null) {
			map = Collections.unmodifiableMap(this.reader.apply(this.raw));
			this.parsed = map;
		}
		return map;
	}

	@Override
	public Set<Entry<String, Object>> entrySet() {
		return parsed().entrySet();
	}

	@Override
	public @Nullable Object get(Object key) {
		return parsed().get(key);
	}

	@Override
	public boolean containsKey(Object key) {
		return parsed().containsKey(key);
	}

	@Override
	public int size() {
		return parsed().size();
	}

}
