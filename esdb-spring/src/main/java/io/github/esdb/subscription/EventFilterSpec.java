package io.github.esdb.subscription;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The server-side filter of an {@code $all} subscription: on event types or on stream names, by prefixes or by a
 * regular expression. Prefixes are sent as an anchored regular expression, because the 1.1.0 client's
 * {@code addPrefix} sends each prefix as an unanchored regex and keeps only the last one.
 *
 * @param onEventType true to filter on the event type, false on the stream name
 * @param prefixes prefixes, combined with "or"
 * @param pattern a regular expression, or {@code null} when prefixes are used
 */
public record EventFilterSpec(boolean onEventType, List<String> prefixes, String pattern) {

	public EventFilterSpec {
		prefixes = List.copyOf(prefixes);
		if (prefixes.isEmpty() == (pattern == null || pattern.isEmpty())) {
			throw new IllegalArgumentException("A filter has either prefixes or a regular expression");
		}
	}

	/**
	 * Events whose type starts with one of the prefixes.
	 * @param prefixes the prefixes
	 * @return the filter
	 */
	public static EventFilterSpec eventTypePrefixes(String... prefixes) {
		return new EventFilterSpec(true, List.of(prefixes), null);
	}

	/**
	 * Events whose type matches a regular expression.
	 * @param regex the expression (unanchored)
	 * @return the filter
	 */
	public static EventFilterSpec eventTypePattern(String regex) {
		return new EventFilterSpec(true, List.of(), regex);
	}

	/**
	 * Events whose type is exactly one of the names.
	 * @param names the event type names
	 * @return the filter
	 */
	public static EventFilterSpec eventTypes(java.util.Collection<String> names) {
		return eventTypePattern(exactly(names));
	}

	/**
	 * Events of streams whose name starts with one of the prefixes.
	 * @param prefixes the prefixes
	 * @return the filter
	 */
	public static EventFilterSpec streamPrefixes(String... prefixes) {
		return new EventFilterSpec(false, List.of(prefixes), null);
	}

	/**
	 * Events of streams whose name matches a regular expression.
	 * @param regex the expression (unanchored)
	 * @return the filter
	 */
	public static EventFilterSpec streamPattern(String regex) {
		return new EventFilterSpec(false, List.of(), regex);
	}

	/**
	 * The regular expression sent to the server.
	 * @return the pattern, or {@code ^(?:p1|p2)} for prefixes
	 */
	public String regex() {
		if (this.pattern != null && !this.pattern.isEmpty()) {
			return this.pattern;
		}
		return "^(?:" + String.join("|", this.prefixes.stream().map(EventFilterSpec::escape).toList()) + ")";
	}

	/**
	 * Whether a locally seen event passes this filter (used to double-check what the server sent).
	 * @param eventType the event's type
	 * @param stream the event's stream
	 * @return true when it matches
	 */
	public boolean matches(String eventType, String stream) {
		String subject = this.onEventType ? eventType : stream;
		return Pattern.compile(regex()).matcher(subject).find();
	}

	static String exactly(java.util.Collection<String> names) {
		return "^(?:" + String.join("|", names.stream().sorted().map(EventFilterSpec::escape).toList()) + ")$";
	}

	/**
	 * Escape regex metacharacters with backslashes; works for both Java and .NET (which lacks \Q...\E).
	 */
	static String escape(String literal) {
		StringBuilder escaped = new StringBuilder(literal.length() + 8);
		for (char c : literal.toCharArray()) {
			if ("\\^$.|?*+()[]{}-#".indexOf(c) >= 0) {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

}
