package io.github.esdb.embedded.grpc;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.github.esdb.embedded.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;

/**
 * Which {@code $all} records a read or subscription delivers: the server's default {@code $all} filter (hides
 * {@code $epoch-information} and the {@code $all} persistent-subscription checkpoint/parked streams) ANDed with the
 * client's stream-name or event-type expression. A regex is an unanchored search ({@code find()}), like .NET's
 * {@code Regex.Match}; a non-empty regex wins over prefixes.
 */
final class EventFilter {

	static final EventFilter DEFAULT = new EventFilter(null, false);

	private final Predicate<String> expression;

	private final boolean onEventType;

	private EventFilter(Predicate<String> expression, boolean onEventType) {
		this.expression = expression;
		this.onEventType = onEventType;
	}

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
		return new EventFilter(predicate(expression), onEventType);
	}

	private static Predicate<String> predicate(ReadReq.Options.FilterOptions.Expression expression) {
		if (!expression.getRegex().isEmpty()) {
			try {
				Pattern pattern = Pattern.compile(expression.getRegex());
				return (value) -> pattern.matcher(value).find();
			}
			catch (PatternSyntaxException ex) {
				throw Errors.invalidArgument("Invalid filter regex '" + expression.getRegex() + "': "
						+ ex.getDescription());
			}
		}
		List<String> prefixes = List.copyOf(expression.getPrefixList());
		if (prefixes.isEmpty()) {
			return (value) -> true;
		}
		return (value) -> {
			for (String prefix : prefixes) {
				if (value.startsWith(prefix)) {
					return true;
				}
			}
			return false;
		};
	}

	boolean filtered() {
		return this.expression != null;
	}

	boolean test(StoredEvent event) {
		if (!defaultAllowed(event.stream())) {
			return false;
		}
		if (this.expression == null) {
			return true;
		}
		return this.expression.test(this.onEventType ? event.type() : event.stream());
	}

	static boolean defaultAllowed(String stream) {
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
