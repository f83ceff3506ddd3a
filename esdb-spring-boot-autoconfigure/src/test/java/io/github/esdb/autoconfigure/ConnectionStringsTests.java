package io.github.esdb.autoconfigure;

import io.github.esdb.test.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionStringsTests {

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void redactsTheWholeUserInfoWhateverThePasswordHolds(Secret secret) {
		String redacted = ConnectionStrings
			.redact("kurrentdb://admin:" + secret.password() + "@db.example.com:2113?tls=false");
		assertThat(redacted).isEqualTo("kurrentdb://******@db.example.com:2113?tls=false");
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void keepsEveryHostOfADiscoveryString(Secret secret) {
		String redacted = ConnectionStrings.redact(
				"kurrentdb+discover://admin:" + secret.password() + "@node1:2113,node2:2113,[::1]:2113?tls=false");
		assertThat(redacted).isEqualTo("kurrentdb+discover://******@node1:2113,node2:2113,[::1]:2113?tls=false");
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void redactsAHostEntryWithoutScheme(Secret secret) {
		assertThat(ConnectionStrings.redact("admin:" + secret.password() + "@db:2113")).isEqualTo("******@db:2113");
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void masksCredentialLikeQueryParameters(Secret secret) {
		for (String name : new String[] { "password", "Password", "pwd", "secret", "token", "apiKey", "accessToken",
				"credentials" }) {
			String redacted = ConnectionStrings
				.redact("kurrentdb://db.example.com:2113?tls=false&" + name + "=" + secret.password());
			secret.assertAbsentFrom("redacted", redacted);
			if (!secret.password().contains("@")) {
				assertThat(redacted).isEqualTo("kurrentdb://db.example.com:2113?tls=false&" + name + "=******");
			}
			else {
				// The last '@' lies in the parameter's value: nothing after the scheme can be trusted to be no secret.
				assertThat(redacted).isEqualTo("kurrentdb://******");
			}
		}
		String both = ConnectionStrings.redact(
				"kurrentdb://admin:" + secret.password() + "@db:2113?password=" + secret.password() + "&tls=false");
		secret.assertAbsentFrom("redacted", both);
		assertThat(both).startsWith("kurrentdb://******");
	}

	@Test
	void leavesAStringWithoutCredentialsAlone() {
		for (String plain : new String[] { "kurrentdb://localhost:2113?tls=false",
				"kurrentdb+discover://node1:2113,node2:2113?tls=true&tlsVerifyCert=false&nodePreference=follower",
				"esdb://db:2113", "kurrentdb://db:2113/?tls=false&tlsCaFile=/etc/kurrentdb/ca.crt&userKeyFile=/k.pem",
				"db:2113" }) {
			assertThat(ConnectionStrings.redact(plain)).isEqualTo(plain);
		}
		assertThat(ConnectionStrings.redact(null)).isNull();
	}

	@Test
	void aUserWithoutPasswordIsMaskedToo() {
		assertThat(ConnectionStrings.redact("kurrentdb://admin@db:2113")).isEqualTo("kurrentdb://******@db:2113");
	}

	@Test
	void aSchemeSeparatorInsideThePasswordDoesNotStopTheMask() {
		assertThat(ConnectionStrings.redact("kurrentdb://admin:a://Wombat@db:2113"))
			.isEqualTo("kurrentdb://******@db:2113");
		assertThat(ConnectionStrings.redact("admin:a://Wombat@db:2113")).isEqualTo("******@db:2113");
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void aMalformedHostDoesNotUncoverThePassword(Secret secret) {
		String redacted = ConnectionStrings.redact("kurrentdb://admin:" + secret.password() + "@bad host/x?tls=false");
		assertThat(redacted).isEqualTo("kurrentdb://******@bad host/x?tls=false");
	}

	@Test
	void anAtSignInAQueryValueMasksEverythingBeforeIt() {
		// Safe rather than pretty: the last '@' cannot be told from one inside a password.
		assertThat(ConnectionStrings.redact("kurrentdb://db:2113?tlsCaFile=/certs/a@b/ca.crt"))
			.isEqualTo("kurrentdb://******@b/ca.crt");
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void withoutCredentialsDropsTheUserInfoAndMasksCredentialParameters(Secret secret) {
		String safe = ConnectionStrings.withoutCredentials(
				"kurrentdb://admin:" + secret.password() + "@db:2113?tls=maybe&secret=" + secret.password());
		secret.assertAbsentFrom("without credentials", safe);
		if (!secret.password().contains("@")) {
			assertThat(safe).isEqualTo("kurrentdb://db:2113?tls=maybe&secret=******");
		}
		assertThat(ConnectionStrings.withoutCredentials("kurrentdb://admin:" + secret.password() + "@db:2113"))
			.isEqualTo("kurrentdb://db:2113");
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void tellsWhetherTheUserInfoNeedsPercentEncoding(Secret secret) {
		boolean raw = !Secret.PARSABLE.contains(secret);
		assertThat(ConnectionStrings
			.needsPercentEncoding("kurrentdb://admin:" + secret.password() + "@db:2113?tls=false")).isEqualTo(raw);
	}

	@Test
	void anAtSignInAFileSettingNeedsNoPercentEncoding() {
		assertThat(ConnectionStrings.needsPercentEncoding("kurrentdb://db:2113?tlsCaFile=/certs/a@b/ca.crt")).isFalse();
		assertThat(ConnectionStrings
			.needsPercentEncoding("kurrentdb://admin:changeit@db:2113?tls=true&tlsCaFile=/certs/a@b/ca.crt")).isFalse();
		// What the client would read as host "ss" and an unknown setting "rd" is a password with a raw '@'.
		assertThat(ConnectionStrings.needsPercentEncoding("kurrentdb://admin:p@ss?rd=1@db:2113")).isTrue();
	}

}
