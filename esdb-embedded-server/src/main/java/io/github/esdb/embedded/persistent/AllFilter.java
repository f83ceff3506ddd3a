package io.github.esdb.embedded.persistent;

import java.util.List;

import io.github.esdb.embedded.grpc.EventFilter;

/**
 * The optional filter of a {@code $all} group as created and stored; {@link #compile()} turns it into the
 * {@link EventFilter} that catch-up {@code $all} subscriptions use too, ANDed with the server's default
 * {@code $all} filter.
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
	 * Compiles the filter, ANDed with the default {@code $all} filter.
	 * @return the filter
	 * @throws java.util.regex.PatternSyntaxException when the regex does not compile
	 */
	EventFilter compile() {
		return EventFilter.of(!this.byStreamName, this.regex, this.prefixes);
	}

}
