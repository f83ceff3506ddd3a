package io.github.esdb.autoconfigure.embedded;

import java.nio.file.Path;

import io.github.esdb.autoconfigure.ConnectionStrings;
import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import io.github.esdb.embedded.EmbeddedEsdbServer;

/**
 * {@link EsdbConnectionDetails} of the embedded server: its address, its certificate as the CA when it runs TLS, and
 * the first configured user.
 */
class EmbeddedEsdbConnectionDetails implements EsdbConnectionDetails {

	private final EmbeddedEsdbServer server;

	private final EmbeddedEsdbProperties properties;

	EmbeddedEsdbConnectionDetails(EmbeddedEsdbServer server, EmbeddedEsdbProperties properties) {
		this.server = server;
		this.properties = properties;
	}

	@Override
	public String getConnectionString() {
		String certificate = this.properties.getTls().getCertificate();
		return (certificate != null) ? this.server.connectionString(Path.of(certificate))
				: this.server.connectionString();
	}

	@Override
	public String getUsername() {
		return firstUser(0);
	}

	@Override
	public String getPassword() {
		return firstUser(1);
	}

	@Override
	public boolean isEmbedded() {
		return true;
	}

	@Override
	public String toString() {
		return "EmbeddedEsdbConnectionDetails[connectionString=" + getConnectionString() + ", username="
				+ getUsername() + ", password=" + ((getPassword() != null) ? ConnectionStrings.MASK : null) + "]";
	}

	private String firstUser(int part) {
		if (this.properties.getUsers().isEmpty()) {
			return null;
		}
		String user = this.properties.getUsers().get(0);
		int colon = user.indexOf(':');
		return (part == 0) ? user.substring(0, colon) : user.substring(colon + 1);
	}

}
