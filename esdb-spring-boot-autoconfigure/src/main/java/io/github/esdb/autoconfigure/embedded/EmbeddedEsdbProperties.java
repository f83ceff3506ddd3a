package io.github.esdb.autoconfigure.embedded;

import java.util.ArrayList;
import java.util.List;

import io.github.esdb.autoconfigure.ConnectionStrings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded in-memory server, bound from {@code esdb.embedded.*}. It starts when {@code esdb-embedded-server} is on
 * the classpath and no connection is configured.
 */
@ConfigurationProperties("esdb.embedded")
public class EmbeddedEsdbProperties {

	/**
	 * Whether to start the embedded server when no connection (esdb.connection-string or esdb.hosts) is configured.
	 */
	private boolean enabled = true;

	/**
	 * Address the embedded server listens on.
	 */
	private String host = "127.0.0.1";

	/**
	 * Port the embedded server listens on; 0 picks a free port.
	 */
	private int port = 0;

	/**
	 * Users as "name:password" entries. Empty means an insecure node (no authentication); otherwise every call needs
	 * basic credentials and the client is given the first user's. A secure node also has the default users admin and
	 * ops (password changeit), as a real node does; an entry for one of them changes its password.
	 */
	private List<String> users = new ArrayList<>();

	/**
	 * Which projections the embedded server runs: "system" (the default) runs the system projections like a node
	 * started with the standard projections, so $ce-&lt;category&gt;, $et-&lt;type&gt;, $category-&lt;category&gt; and
	 * $streams are written; "none" runs none.
	 */
	private String projections = "system";

	/**
	 * Directory where the embedded server keeps its data, like H2's file mode: events, stream metadata and
	 * deletions, persistent subscription groups with their checkpoints and parked events, and checkpoints kept in
	 * KurrentDB survive a restart of the application. Created when missing; one server at a time (a lock file keeps
	 * a second one out). Unset (the default) keeps everything in memory, which is what tests want.
	 */
	private String dataDir;

	/**
	 * When the embedded server forces its log to the disk, with esdb.embedded.data-dir set: "interval" (the
	 * default) once a second, "always" after every write before it is answered (like a real node; slower), "never"
	 * leaves it to the operating system. Every write reaches the file before it is answered whatever the policy, so
	 * a killed or crashed application loses nothing; the policy only decides what a power cut may take.
	 */
	private String fsync = "interval";

	private final Tls tls = new Tls();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public List<String> getUsers() {
		return this.users;
	}

	public void setUsers(List<String> users) {
		this.users = users;
	}

	public String getProjections() {
		return this.projections;
	}

	public void setProjections(String projections) {
		this.projections = projections;
	}

	public String getDataDir() {
		return this.dataDir;
	}

	public void setDataDir(String dataDir) {
		this.dataDir = dataDir;
	}

	public String getFsync() {
		return this.fsync;
	}

	public void setFsync(String fsync) {
		this.fsync = fsync;
	}

	public Tls getTls() {
		return this.tls;
	}

	@Override
	public String toString() {
		return "EmbeddedEsdbProperties[enabled=" + this.enabled + ", host=" + this.host + ", port=" + this.port
				+ ", users=" + this.users.stream().map(ConnectionStrings::redactUser).toList() + ", projections="
				+ this.projections + ", dataDir=" + this.dataDir + ", fsync=" + this.fsync + "]";
	}

	/**
	 * TLS of the embedded server.
	 */
	public static class Tls {

		/**
		 * PEM file with the server certificate (chain). TLS is on when this and the private key are set; the
		 * client then trusts this certificate as its CA.
		 */
		private String certificate;

		/**
		 * PEM file with the server's private key.
		 */
		private String privateKey;

		public String getCertificate() {
			return this.certificate;
		}

		public void setCertificate(String certificate) {
			this.certificate = certificate;
		}

		public String getPrivateKey() {
			return this.privateKey;
		}

		public void setPrivateKey(String privateKey) {
			this.privateKey = privateKey;
		}

	}

}
