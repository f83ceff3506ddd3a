package io.github.esdb.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.github.esdb.embedded.store.ExpectedRevision;
import io.github.esdb.embedded.store.ProposedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
	void dataDirKeepsTheDataForTheNextServer(@TempDir Path dataDir) {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServerMain
			.parse(new String[] { "--port=0", "--data-dir", dataDir.toString(), "--fsync=always" })
			.build()) {
			assertThat(server.dataDir()).isEqualTo(dataDir);
			server.store()
				.append("kept", ExpectedRevision.ANY,
						List.of(new ProposedEvent(UUID.randomUUID(), "Kept", false, new byte[] { 1 }, new byte[0])));
		}
		try (EmbeddedEsdbServer again = EmbeddedEsdbServerMain
			.parse(new String[] { "--port=0", "--data-dir=" + dataDir }).build()) {
			assertThat(again.store().streamInfo("kept").lastRevision()).isZero();
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedEsdbServerMain.parse(new String[] { "--fsync", "sometimes" }))
			.withMessageContaining("always, interval or never");
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
