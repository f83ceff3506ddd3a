package io.github.esdb.subscription;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Error messages as the subscriptions write them where others read them (a parked event's reason and error, a nack
 * reason, a log line): credentials in a URL's userinfo ({@code esdb://user:secret@host}) and {@code password=...}
 * style values are masked, because a handler's exception often quotes a connection string.
 */
public final class ErrorMessages {

	/** The userinfo of a URL ({@code esdb://user:secret@host}). */
	private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s]+@");

	/** A {@code password=...}-style value. */
	private static final Pattern SECRET_VALUE = Pattern
		.compile("(?i)((?:password|passwd|secret|token|api[-_]?key)\\s*[=:]\\s*)[^\\s,;&]+");

	private ErrorMessages() {
	}

	/**
	 * The text with its credentials masked.
	 * @param text a message, {@code null} for none
	 * @return the masked text, empty for {@code null}
	 */
	public static String mask(@Nullable String text) {
		if (text == null || text.isEmpty()) {
			return "";
		}
		String masked = URL_CREDENTIALS.matcher(text).replaceAll("***@");
		return SECRET_VALUE.matcher(masked).replaceAll("$1***");
	}

	/**
	 * An error in a few words: its class's simple name and its masked message.
	 * @param error the error
	 * @return for example {@code IllegalStateException: cannot reach esdb://***@db:2113}
	 */
	public static String summary(Throwable error) {
		return error.getClass().getSimpleName() + ": " + mask(error.getMessage());
	}

}
