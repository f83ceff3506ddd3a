package io.github.esdb.observability.observation;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.observation.transport.Propagator;

import io.github.esdb.subscription.EventContext;

/**
 * Reads trace propagation fields from an event's metadata. A field stored under its own name (for example
 * {@code traceparent}) is returned as is. Otherwise the official clients' {@code $traceId}/{@code $spanId} pair is
 * presented in the format the configured propagator asks for: W3C {@code traceparent}, B3 single {@code b3}, or B3
 * multi {@code X-B3-TraceId}/{@code X-B3-SpanId}/{@code X-B3-Sampled}. The writer's sampling decision is not stored,
 * so such a parent counts as sampled.
 */
public class EventMetadataGetter implements Propagator.Getter<EventContext> {

	/** The metadata key of the trace id written by the official clients. */
	public static final String TRACE_ID = "$traceId";

	/** The metadata key of the span id written by the official clients. */
	public static final String SPAN_ID = "$spanId";

	private static final Pattern TRACE_ID_FORMAT = Pattern.compile("[0-9a-f]{32}");

	private static final Pattern SPAN_ID_FORMAT = Pattern.compile("[0-9a-f]{16}");

	@Override
	public String get(EventContext carrier, String key) {
		try {
			return read(carrier.metadata(), key);
		}
		catch (RuntimeException ex) {
			// The metadata is parsed on first use, here when tracing is on: a serializer that cannot read it must
			// not fail the handling, nor leave the observation it is starting open. No parent, then.
			return null;
		}
	}

	private String read(Map<String, Object> metadata, String key) {
		Object direct = metadata.get(key);
		if (direct != null) {
			return direct.toString();
		}
		Object traceId = metadata.get(TRACE_ID);
		Object spanId = metadata.get(SPAN_ID);
		if (traceId == null || spanId == null) {
			return null;
		}
		String trace = traceId.toString().toLowerCase(Locale.ROOT);
		String span = spanId.toString().toLowerCase(Locale.ROOT);
		// Invalid ids (all zeros is invalid too) would make the propagator drop the whole context anyway.
		if (!TRACE_ID_FORMAT.matcher(trace).matches() || !SPAN_ID_FORMAT.matcher(span).matches()
				|| trace.chars().allMatch((c) -> c == '0') || span.chars().allMatch((c) -> c == '0')) {
			return null;
		}
		return switch (key.toLowerCase(Locale.ROOT)) {
			case "traceparent" -> "00-" + trace + "-" + span + "-01";
			case "b3" -> trace + "-" + span + "-1";
			case "x-b3-traceid" -> trace;
			case "x-b3-spanid" -> span;
			case "x-b3-sampled" -> "1";
			default -> null;
		};
	}

}
