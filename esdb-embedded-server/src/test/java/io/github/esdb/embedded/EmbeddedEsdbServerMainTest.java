package io.github.esdb.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** Command line parsing of the standalone jar. */
class EmbeddedEsdbServerMainTest {

	@Test
	void parsesOptionsIntoAWorkingServer() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServerMain
			.parse(new String[] { "--port", "0", "--host", "127.0.0.1", "--user", "admin:changeit", "--user", "ops:pw" })
			.build()
			.start()) {
			assertThat(server.port()).isPositive();
			assertThat(server.requiresAuthentication()).isTrue();
			assertThat(server.connectionString()).isEqualTo("kurrentdb://127.0.0.1:" + server.port() + "?tls=false");
		}
	}

	@Test
	void projectionsAreOnByDefaultAndOffWithNone() {
		EmbeddedEsdbServer none = EmbeddedEsdbServerMain.parse(new String[] { "--port=0", "--projections=none" }).build();
		assertThat(none.store().streamInfo("$projections-$all").lastRevision()).isEqualTo(-1);
		EmbeddedEsdbServer spaced = EmbeddedEsdbServerMain.parse(new String[] { "--projections", "NONE" }).build();
		assertThat(spaced.store().streamInfo("$projections-$all").lastRevision()).isEqualTo(-1);
		EmbeddedEsdbServer system = EmbeddedEsdbServerMain.parse(new String[] { "--port", "0" }).build();
		assertThat(system.store().streamInfo("$projections-$all").lastRevision()).isEqualTo(5);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedEsdbServerMain.parse(new String[] { "--projections=all" }))
			.withMessageContaining("'system' or 'none'");
	}

	@Test
	void rejectsBadOptions() {
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedEsdbServerMain.parse(new String[] { "--nope" }))
			.withMessageContaining("--nope");
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedEsdbServerMain.parse(new String[] { "--port" }))
			.withMessageContaining("needs a value");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedEsdbServerMain.parse(new String[] { "--port", "x" }))
			.withMessageContaining("number");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedEsdbServerMain.parse(new String[] { "--tls-cert", "c.pem" }))
			.withMessageContaining("--tls-key");
	}

}
