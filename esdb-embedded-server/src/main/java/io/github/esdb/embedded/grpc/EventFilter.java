package io.github.esdb.embedded.grpc;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.PatternSyntaxException;

import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;

/**
 * Which {@code $all} records a read, a catch-up subscription or a persistent {@code $all} group delivers: the
 * server's default {@code $all} filter (hides {@code $epoch-information} and the {@code $all} persistent-subscription
 * checkpoint/parked streams) ANDed with an optional stream-name or event-type expression. As on the real server, a
 * non-empty regex wins over prefixes and is an unanchored search ({@code find()}, like .NET's {@code Regex.Match});
 * prefixes match with {@code startsWith}, any of them.
 * <p>
 * A regex is user input evaluated by a backtracking engine: each evaluation runs against a step budget
 * ({@link BoundedRegex}) and {@link #test(StoredEvent)} throws INVALID_ARGUMENT naming the filter when one exceeds
 * it. Callers evaluate regex filters ({@link #usesRegex()}) on the server's filter executor, never on the threads
 * that serve other calls.
 */
public final class EventFilter {

	/** The default {@code $all} filter alone. */
	public static final EventFilter DEFAULT = new EventFilter(null, false, false);

	private final Predicate<String> expression;

	private final boolean onEventType;

	private final boolean regex;

	private EventFilter(Predicate<String> expression, boolean onEventType, boolean regex) {
		this.expression = expression;
		this.onEventType = onEventType;
		this.regex = regex;
	}

	/**
	 * A filter with an expression.
	 * @param onEventType true to match event types, false to match stream names
	 * @param regex the regular expression; when empty, the prefixes apply
	 * @param prefixes the prefixes; when used and empty, nothing matches
	 * @return the filter
	 * @throws PatternSyntaxException when the regex does not compile
	 */
	public static EventFilter of(boolean onEventType, String regex, List<String> prefixes) {
		boolean usesRegex = regex != null && !regex.isEmpty();
		return new EventFilter(expression(onEventType, regex, prefixes), onEventType, usesRegex);
	}

	/**
	 * The filter of a Streams {@code Read} (read or catch-up subscription of {@code $all}).
	 * @param options the wire filter options
	 * @return the filter; an expression with neither regex nor prefix lets every record through the default filter
	 * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when the filter has no expression or a bad regex
	 */
	static EventFilter from(ReadReq.Options.FilterOptions options) {
		ReadReq.Options.FilterOptions.Expression expression;
		boolean onEventType;
		switch (options.getFilterCase()) {
			case STREAM_IDENTIFIER -> {
				expression = options.getStreamIdentifier();
				onEventType = false;
			}
			case EVENT_TYPE -> {
				expression = options.getEventType();
				onEventType = true;
			}
			default -> throw Errors.invalidArgument("The filter needs a stream_identifier or event_type expression.");
		}
		if (expression.getRegex().isEmpty() && expression.getPrefixCount() == 0) {
			return new EventFilter((value) -> true, onEventType, false);
		}
		try {
			return of(onEventType, expression.getRegex(), expression.getPrefixList());
		}
		catch (PatternSyntaxException ex) {
			throw Errors.invalidArgument(
					"Invalid filter regex '" + abbreviate(expression.getRegex()) + "': " + ex.getDescription());
		}
	}

	private static Predicate<String> expression(boolean onEventType, String regex, List<String> prefixes) {
		if (regex != null && !regex.isEmpty()) {
			BoundedRegex pattern = new BoundedRegex(regex, onEventType ? "event type" : "stream name");
			return pattern::find;
		}
		List<String> candidates = List.copyOf(prefixes);
		return (value) -> {
			for (String prefix : candidates) {
				if (value.startsWith(prefix)) {
					return true;
				}
			}
			return false;
		};
	}

	/**
	 * A filter regex as quoted in error messages (long ones are cut to stay within the client's metadata limit).
	 * @param regex the expression
	 * @return the expression, or its first 200 characters followed by {@code ...}
	 */
	public static String abbreviate(String regex) {
		return BoundedRegex.abbreviate(regex);
	}

	/**
	 * Whether the filter has an expression beyond the default {@code $all} filter.
	 * @return true when filtered
	 */
	public boolean filtered() {
		return this.expression != null;
	}

	/**
	 * Whether the filter evaluates a user-supplied regular expression, which must run on the server's filter
	 * executor.
	 * @return true for a regex filter
	 */
	public boolean usesRegex() {
		return this.regex;
	}

	/**
	 * Whether a record passes the default {@code $all} filter and the expression.
	 * @param event the record
	 * @return true when delivered
	 * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming the filter when its regex is too expensive to
	 * evaluate on this record
	 */
	public boolean test(StoredEvent event) {
		if (!defaultAllowed(event.stream())) {
			return false;
		}
		if (this.expression == null) {
			return true;
		}
		return this.expression.test(this.onEventType ? event.type() : event.stream());
	}

	/**
	 * The server's default {@code $all} filter: every stream, system or not, is visible except
	 * {@code $epoch-information} and the checkpoint and parked streams of {@code $all} persistent subscriptions.
	 * @param stream the stream name
	 * @return true when visible
	 */
	public static boolean defaultAllowed(String stream) {
		if (!stream.startsWith("$")) {
			return true;
		}
		if (stream.equals("$epoch-information")) {
			return false;
		}
		return !(stream.startsWith("$persistentsubscription-$all::")
				&& (stream.endsWith("-checkpoint") || stream.endsWith("-parked")));
	}

}
