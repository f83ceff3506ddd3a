package io.github.esdb.autoconfigure.endpoint;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.github.esdb.autoconfigure.ConnectionStrings;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Keeps KurrentDB credentials out of the {@code env} and {@code configprops} endpoints, even with
 * {@code show-values=always}, while the rest stays readable:
 * <ul>
 * <li>{@code esdb.connection-string}: the user info and credential-like query values are masked, the scheme, hosts
 * and settings stay ({@code kurrentdb://******@db:2113?tls=false});</li>
 * <li>{@code esdb.password}: masked whole;</li>
 * <li>{@code esdb.embedded.users}: the password of each {@code name:password} entry is masked;</li>
 * <li>{@code esdb.hosts}: a {@code user:password@} in an entry is masked.</li>
 * </ul>
 * Keys match in any relaxed form ({@code esdb.connectionString}, {@code ESDB_CONNECTION_STRING}, list indexes).
 * Anything else is left to the other sanitizing functions.
 */
public class EsdbSanitizingFunction implements SanitizingFunction {

	@Override
	public SanitizableData apply(SanitizableData data) {
		Object value = data.getValue();
		if (value == null) {
			return data;
		}
		String key = normalize(data.getKey());
		return switch (key) {
			case "esdbpassword" -> data.withSanitizedValue();
			case "esdbconnectionstring" -> mask(data, value, ConnectionStrings::redact);
			case "esdbhosts" -> mask(data, value, (hosts) -> eachEntry(hosts, ConnectionStrings::redact));
			case "esdbembeddedusers" -> mask(data, value, (users) -> eachEntry(users, ConnectionStrings::redactUser));
			default -> data;
		};
	}

	private static SanitizableData mask(SanitizableData data, Object value, UnaryOperator<String> masking) {
		if (!(value instanceof CharSequence)) {
			// Not a text to mask a part of (a list, a map): mask it all.
			return data.withSanitizedValue();
		}
		String text = value.toString();
		String masked = masking.apply(text);
		return masked.equals(text) ? data : data.withValue(masked);
	}

	private static String eachEntry(String list, UnaryOperator<String> masking) {
		return Arrays.stream(list.split(",", -1)).map(masking).collect(Collectors.joining(","));
	}

	/**
	 * The key in a form shared by every relaxed spelling: lower case, letters and digits only, without list indexes.
	 * @param key a property key as the endpoint gives it
	 * @return the normalized key
	 */
	private static String normalize(String key) {
		String lower = key.toLowerCase(Locale.ROOT).replaceAll("\\[\\d+]", "");
		String letters = lower.replaceAll("[^a-z0-9]", "");
		// An environment variable for a list item ends in its index: ESDB_EMBEDDED_USERS_0_.
		return letters.matches("(esdbhosts|esdbembeddedusers)\\d+") ? letters.replaceAll("\\d+$", "") : letters;
	}

}
