package io.github.esdb.embedded.persistent;

import java.util.List;
import java.util.regex.Pattern;

import io.github.esdb.embedded.store.StoredEvent;

/**
 * The optional filter of a {@code $all} group, ANDed with the server's default {@code $all} filter.
 * <p>
 * Like the real server, a non-empty regex wins over prefixes and is an unanchored match ({@code find}); prefixes
 * match with {@code startsWith}, any of them.
 *
 * @param byStreamName true to match stream names, false to match event types
 * @param regex the regular expression, empty when prefixes are used
 * @param prefixes the prefixes, empty when a regex is used
 */
public record AllFilter(boolean byStreamName, String regex, List<String> prefixes) {

	/**
	 * Canonical constructor; copies the prefixes.
	 * @param byStreamName true to match stream names, false to match event types
	 * @param regex the regular expression, empty when prefixes are used
	 * @param prefixes the prefixes, empty when a regex is used
	 */
	public AllFilter {
		regex = (regex != null) ? regex : "";
		prefixes = List.copyOf(prefixes);
	}

	/**
	 * Compiles the filter into a predicate.
	 * @return the matcher
	 */
	Matcher compile() {
		if (!this.regex.isEmpty()) {
			Pattern pattern = Pattern.compile(this.regex);
			return (event) -> pattern.matcher(subject(event)).find();
		}
		return (event) -> {
			String subject = subject(event);
			for (String prefix : this.prefixes) {
				if (subject.startsWith(prefix)) {
					return true;
				}
			}
			return false;
		};
	}

	private String subject(StoredEvent event) {
		return this.byStreamName ? event.stream() : event.type();
	}

	/**
	 * Whether the server's default {@code $all} filter lets a record through: it hides the epoch stream and the
	 * checkpoint and parked streams of {@code $all} groups; every other stream, system or not, is visible.
	 * @param event the record
	 * @return true when visible
	 */
	static boolean allowedByDefault(StoredEvent event) {
		String stream = event.stream();
		if (!stream.startsWith("$")) {
			return true;
		}
		if (stream.equals("$epoch-information")) {
			return false;
		}
		return !(stream.startsWith("$persistentsubscription-$all::")
				&& (stream.endsWith("-checkpoint") || stream.endsWith("-parked")));
	}

	/** A compiled filter. */
	@FunctionalInterface
	interface Matcher {

		boolean matches(StoredEvent event);

	}

}
