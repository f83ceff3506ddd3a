package io.github.esdb.autoconfigure;

import java.util.regex.Pattern;

/**
 * Helpers for connection strings that may carry credentials.
 */
public final class ConnectionStrings {

	private static final Pattern USER_INFO = Pattern.compile("(://)[^@/?#]*@");

	private ConnectionStrings() {
	}

	/**
	 * Replaces the user-info part ({@code user:password@}) of a connection string, so it can be logged or shown.
	 * @param connectionString a connection string, may be {@code null}
	 * @return the connection string without credentials
	 */
	public static String redact(String connectionString) {
		if (connectionString == null) {
			return null;
		}
		return USER_INFO.matcher(connectionString).replaceAll("$1******@");
	}

	/**
	 * Removes every occurrence of a secret from a text, for example a message from a parser that echoed its input.
	 * @param text the text
	 * @param connectionString the connection string whose credentials must not appear
	 * @return the text with the connection string's credentials masked
	 */
	static String scrub(String text, String connectionString) {
		if (text == null || connectionString == null) {
			return text;
		}
		String scrubbed = text.replace(connectionString, redact(connectionString));
		var matcher = Pattern.compile("://([^@/?#]*)@").matcher(connectionString);
		if (matcher.find() && !matcher.group(1).isEmpty()) {
			String userInfo = matcher.group(1);
			scrubbed = scrubbed.replace(userInfo, "******");
			int colon = userInfo.indexOf(':');
			if (colon >= 0 && colon < userInfo.length() - 1) {
				scrubbed = scrubbed.replace(userInfo.substring(colon + 1), "******");
			}
		}
		return scrubbed;
	}

}
