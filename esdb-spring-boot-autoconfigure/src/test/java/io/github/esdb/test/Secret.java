package io.github.esdb.test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;

/**
 * A password made of distinctive words joined by characters that connection strings treat specially. A leak is any
 * of its words (four letters or more) showing up, so fragments count as well as the whole password.
 *
 * @param name what the password holds, shown as the test name instead of the password
 * @param password the password as it is written in a connection string or property
 */
public record Secret(String name, String password) {

	/** Passwords holding each special character, all of them at once, and a percent-encoded one. */
	public static final List<Secret> ALL = List.of(new Secret("slash", "Quokka/Zephyr"),
			new Secret("at sign", "Walrus@Nimbus"), new Secret("question mark", "Pelican?Quasar"),
			new Secret("hash", "Marmot#Vortex"), new Secret("colon", "Badger:Comet"),
			new Secret("percent", "Otter%Zenith"), new Secret("space", "Lemur Galaxy"),
			new Secret("unicode", "Ñandú€Küste"),
			new Secret("all of them", "Yakutia/Gecko@Ibex?Tapir#Koala:Moose%Lynx Ñandú"),
			new Secret("percent-encoded", "Jackal%40Puffin%2FHeron%3FCondor%23Falcon%25Osprey"));

	/**
	 * The passwords the official client reads from a connection string as they are (no raw {@code / ? # @ %}).
	 */
	public static final List<Secret> PARSABLE = ALL.stream()
		.filter((secret) -> List.of("colon", "space", "unicode", "percent-encoded").contains(secret.name()))
		.toList();

	public static Stream<Secret> all() {
		return ALL.stream();
	}

	public static Stream<Secret> parsable() {
		return PARSABLE.stream();
	}

	/**
	 * The words that must never be shown.
	 * @return the password's words of four letters or more
	 */
	public List<String> words() {
		return Arrays.stream(this.password.split("[^\\p{L}]+")).filter((word) -> word.length() >= 4).toList();
	}

	/**
	 * Assert that none of the texts holds the password or any of its words.
	 * @param where what the texts are, for the failure message
	 * @param texts the texts
	 */
	public void assertAbsentFrom(String where, String... texts) {
		SoftAssertions softly = new SoftAssertions();
		for (String text : texts) {
			if (text == null) {
				continue;
			}
			softly.assertThat(text).as(where).doesNotContain(this.password);
			for (String word : words()) {
				softly.assertThat(text).as(where + " (word '" + word + "')").doesNotContain(word);
			}
		}
		softly.assertAll();
	}

	/**
	 * Assert that no message in a throwable's chain (causes and suppressed) holds the password or its words.
	 * @param failure the throwable
	 */
	public void assertAbsentFromMessages(Throwable failure) {
		assertAbsentFromChain(failure, 0);
	}

	private void assertAbsentFromChain(Throwable failure, int depth) {
		if (failure == null || depth > 50) {
			return;
		}
		assertAbsentFrom("message of " + failure.getClass().getName(), failure.getMessage(), failure.toString());
		for (Throwable suppressed : failure.getSuppressed()) {
			assertAbsentFromChain(suppressed, depth + 1);
		}
		if (failure.getCause() != failure) {
			assertAbsentFromChain(failure.getCause(), depth + 1);
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

}
