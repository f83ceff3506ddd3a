package io.github.esdb.autoconfigure;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helpers for connection strings that may carry credentials.
 * <p>
 * A password may hold any character, {@code @ / ? # :} and {@code %} included, so where the user info ends cannot be
 * told by parsing. These helpers take the safe reading: the user info runs from the scheme's {@code ://} to the
 * <em>last</em> {@code @} of the string. When an {@code @} sits in a query value instead (a file path), more than the
 * credentials is masked, never less.
 */
public final class ConnectionStrings {

	/** What replaces a secret. */
	public static final String MASK = "******";

	private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*://");

	/** A query parameter's name, found anywhere: a credential in it may hold {@code ?} or {@code &} itself. */
	private static final Pattern PARAMETER = Pattern.compile("[?&]([^?&=#]*)=");

	private static final String[] CREDENTIAL_NAMES = { "pass", "pwd", "secret", "token", "credential", "apikey",
			"accesskey", "privatekey", "userinfo" };

	private static final String HOST = "(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@/?#,:\\[\\]]+)(?::\\d{1,5})?";

	/** The settings the official client reads from a connection string's query. */
	private static final String SETTING = "(?i:tls|tlsVerifyCert|tlsCaFile|nodePreference|maxDiscoverAttempts"
			+ "|discoveryInterval|gossipTimeout|dnsDiscover|keepAliveTimeout|keepAliveInterval|defaultDeadline"
			+ "|userCertFile|userKeyFile|feature)";

	/**
	 * What comes before the last {@code @} when that {@code @} is in a query value rather than in the credentials:
	 * optional plain credentials, the hosts, and settings the client knows.
	 */
	private static final Pattern AT_SIGN_IN_QUERY = Pattern.compile("(?:[^@/?#]*@)?" + HOST + "(?:," + HOST + ")*/?\\?"
			+ SETTING + "=[^&]*(?:&" + SETTING + "=[^&]*)*", Pattern.DOTALL);

	private static final Pattern UNENCODED = Pattern.compile("[@/?#]|%(?![0-9A-Fa-f]{2})");

	private ConnectionStrings() {
	}

	/**
	 * Mask the user info ({@code user:password@}) of a connection string, whatever it holds, and the value of any
	 * credential-like query parameter ({@code password=}, {@code token=}, ...), so the string can be logged or shown.
	 * The scheme and the hosts stay visible. Also works for a {@code user:password@host:port} entry without scheme.
	 * @param connectionString a connection string, may be {@code null}
	 * @return the connection string without credentials
	 */
	public static String redact(String connectionString) {
		if (connectionString == null) {
			return null;
		}
		Parts parts = Parts.of(connectionString);
		if (parts.userInfoEnd < 0 && parts.credentialValue < 0) {
			return connectionString;
		}
		String head = connectionString.substring(0, parts.start);
		if (parts.credentialValue >= 0 && parts.credentialValue <= parts.userInfoEnd) {
			// The last '@' may lie inside the parameter's value: no part of the rest can be trusted.
			return head + MASK;
		}
		StringBuilder redacted = new StringBuilder(head);
		int from = parts.start;
		if (parts.userInfoEnd >= 0) {
			redacted.append(MASK);
			from = parts.userInfoEnd;
		}
		if (parts.credentialValue >= 0) {
			return redacted.append(connectionString, from, parts.credentialValue).append(MASK).toString();
		}
		return redacted.append(connectionString, from, connectionString.length()).toString();
	}

	/**
	 * The connection string with its user info left out and credential-like query values masked: safe to hand to the
	 * client's parser to find out what else is wrong with it, since nothing of what the parser echoes can then be a
	 * secret. It shows no more than {@link #redact(String)} does.
	 * @param connectionString a connection string
	 * @return the string without credentials, or {@code null} if nothing of it can be trusted to hold none
	 */
	static String withoutCredentials(String connectionString) {
		String redacted = redact(connectionString);
		String head = connectionString.substring(0, Parts.of(connectionString).start);
		if (redacted.equals(head + MASK)) {
			return null;
		}
		return redacted.startsWith(head + MASK + "@") ? head + redacted.substring(head.length() + MASK.length() + 1)
				: redacted;
	}

	/**
	 * Whether the user info holds characters that must be percent-encoded ({@code @ / ? #}, or a {@code %} that starts
	 * no escape). The official client misreads such a string: it fails with a message quoting part of the password,
	 * or, worse, takes part of the password for the host and logs another part as an unknown setting. An {@code @} in
	 * the value of a setting the client knows (a {@code tlsCaFile} path) is no such character.
	 * @param connectionString a connection string
	 * @return whether the credentials in it need percent-encoding
	 */
	static boolean needsPercentEncoding(String connectionString) {
		Parts parts = Parts.of(connectionString);
		if (parts.userInfoEnd < 0) {
			return false;
		}
		String userInfo = connectionString.substring(parts.start, parts.userInfoEnd);
		return UNENCODED.matcher(userInfo).find() && !AT_SIGN_IN_QUERY.matcher(userInfo).matches();
	}

	/**
	 * Mask the password of a {@code name:password} entry (as in {@code esdb.embedded.users}), whatever it holds.
	 * @param user the entry, may be {@code null}
	 * @return the name and a colon followed by the mask, or only the mask when there is no colon
	 */
	public static String redactUser(String user) {
		if (user == null) {
			return null;
		}
		int colon = user.indexOf(':');
		return (colon >= 0) ? user.substring(0, colon + 1) + MASK : MASK;
	}

	private static boolean isCredential(String parameterName) {
		String name = parameterName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		for (String credential : CREDENTIAL_NAMES) {
			if (name.contains(credential)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Where the parts of a connection string are.
	 *
	 * @param start where the user info would start: after the scheme's {@code ://}, or 0 without scheme
	 * @param userInfoEnd the index of the last {@code @}, or -1 when there is none
	 * @param credentialValue where the value of the first credential-like query parameter starts, or -1
	 */
	private record Parts(int start, int userInfoEnd, int credentialValue) {

		static Parts of(String connectionString) {
			Matcher scheme = SCHEME.matcher(connectionString);
			int start = scheme.find() ? scheme.end() : 0;
			int at = connectionString.lastIndexOf('@');
			int credentialValue = -1;
			Matcher parameter = PARAMETER.matcher(connectionString).region(start, connectionString.length());
			while (parameter.find()) {
				if (isCredential(parameter.group(1))) {
					credentialValue = parameter.end();
					break;
				}
			}
			return new Parts(start, (at >= start) ? at : -1, credentialValue);
		}

	}

}
