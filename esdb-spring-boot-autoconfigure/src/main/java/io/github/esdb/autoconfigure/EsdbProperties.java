package io.github.esdb.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kurrent.dbclient.NodePreference;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where and how to connect to KurrentDB (or EventStoreDB), bound from {@code esdb.*}.
 * <p>
 * Either give a {@link #getConnectionString() connection string} or the discrete endpoint properties ({@code hosts},
 * {@code discover}, {@code tls}, {@code tls-verify-cert}, {@code tls-ca-file}, {@code node-preference}), not both.
 * Credentials and the tuning properties (keep-alive, deadline, discovery) may be combined with either form; when set
 * they override what the connection string says.
 */
@ConfigurationProperties("esdb")
public class EsdbProperties {

	/**
	 * Connection string in the official client's format, for example
	 * "kurrentdb://localhost:2113?tls=false" or "kurrentdb+discover://node1:2113,node2:2113". The schemes
	 * kurrentdb, kdb and esdb are accepted, each optionally with "+discover".
	 */
	private String connectionString;

	/**
	 * Nodes to connect to, as "host:port" entries (used when no connection string is given). One host connects to a
	 * single node; several hosts, or "discover", use gossip discovery.
	 */
	private List<String> hosts = new ArrayList<>();

	/**
	 * Whether to discover the cluster through gossip from the given host (like "+discover" in a connection string).
	 * Defaults to false.
	 */
	private Boolean discover;

	/**
	 * Whether to use TLS. Defaults to true, as with the official client; set false for an insecure node.
	 */
	private Boolean tls;

	/**
	 * Whether to verify the server's TLS certificate. Defaults to true.
	 */
	private Boolean tlsVerifyCert;

	/**
	 * Path to a PEM file with the certificate authority that signed the server's certificate.
	 */
	private String tlsCaFile;

	/**
	 * Which cluster node to prefer. Defaults to leader.
	 */
	private NodePreference nodePreference;

	/**
	 * User name for basic authentication.
	 */
	private String username;

	/**
	 * Password for basic authentication. Never logged.
	 */
	private String password;

	/**
	 * Interval between keep-alive pings. Defaults to 10s.
	 */
	private Duration keepAliveInterval;

	/**
	 * How long to wait for a keep-alive ping's answer before the connection counts as dead. Defaults to 10s.
	 */
	private Duration keepAliveTimeout;

	/**
	 * Deadline of each regular (non-subscription) call, unless the call sets its own. Defaults to 10s.
	 */
	private Duration defaultDeadline;

	/**
	 * How many times to try discovering a node before the client gives up and shuts down. Defaults to 3.
	 */
	private Integer maxDiscoverAttempts;

	/**
	 * Pause between discovery attempts. Defaults to 500ms.
	 */
	private Duration discoveryInterval;

	/**
	 * How long to wait for a gossip (or server features) answer during discovery. Defaults to 3s.
	 */
	private Duration gossipTimeout;

	/**
	 * How long closing the application waits for the client to close its connection.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(5);

	private final Health health = new Health();

	public String getConnectionString() {
		return this.connectionString;
	}

	public void setConnectionString(String connectionString) {
		this.connectionString = connectionString;
	}

	public List<String> getHosts() {
		return this.hosts;
	}

	public void setHosts(List<String> hosts) {
		this.hosts = hosts;
	}

	public Boolean getDiscover() {
		return this.discover;
	}

	public void setDiscover(Boolean discover) {
		this.discover = discover;
	}

	public Boolean getTls() {
		return this.tls;
	}

	public void setTls(Boolean tls) {
		this.tls = tls;
	}

	public Boolean getTlsVerifyCert() {
		return this.tlsVerifyCert;
	}

	public void setTlsVerifyCert(Boolean tlsVerifyCert) {
		this.tlsVerifyCert = tlsVerifyCert;
	}

	public String getTlsCaFile() {
		return this.tlsCaFile;
	}

	public void setTlsCaFile(String tlsCaFile) {
		this.tlsCaFile = tlsCaFile;
	}

	public NodePreference getNodePreference() {
		return this.nodePreference;
	}

	public void setNodePreference(NodePreference nodePreference) {
		this.nodePreference = nodePreference;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = username;
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
		this.password = password;
	}

	public Duration getKeepAliveInterval() {
		return this.keepAliveInterval;
	}

	public void setKeepAliveInterval(Duration keepAliveInterval) {
		this.keepAliveInterval = keepAliveInterval;
	}

	public Duration getKeepAliveTimeout() {
		return this.keepAliveTimeout;
	}

	public void setKeepAliveTimeout(Duration keepAliveTimeout) {
		this.keepAliveTimeout = keepAliveTimeout;
	}

	public Duration getDefaultDeadline() {
		return this.defaultDeadline;
	}

	public void setDefaultDeadline(Duration defaultDeadline) {
		this.defaultDeadline = defaultDeadline;
	}

	public Integer getMaxDiscoverAttempts() {
		return this.maxDiscoverAttempts;
	}

	public void setMaxDiscoverAttempts(Integer maxDiscoverAttempts) {
		this.maxDiscoverAttempts = maxDiscoverAttempts;
	}

	public Duration getDiscoveryInterval() {
		return this.discoveryInterval;
	}

	public void setDiscoveryInterval(Duration discoveryInterval) {
		this.discoveryInterval = discoveryInterval;
	}

	public Duration getGossipTimeout() {
		return this.gossipTimeout;
	}

	public void setGossipTimeout(Duration gossipTimeout) {
		this.gossipTimeout = gossipTimeout;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * Whether any discrete endpoint property is set; these conflict with a connection string.
	 * @return the names of the endpoint properties that are set, empty when none
	 */
	List<String> endpointPropertiesSet() {
		List<String> set = new ArrayList<>();
		if (!this.hosts.isEmpty()) {
			set.add("esdb.hosts");
		}
		if (this.discover != null) {
			set.add("esdb.discover");
		}
		if (this.tls != null) {
			set.add("esdb.tls");
		}
		if (this.tlsVerifyCert != null) {
			set.add("esdb.tls-verify-cert");
		}
		if (this.tlsCaFile != null) {
			set.add("esdb.tls-ca-file");
		}
		if (this.nodePreference != null) {
			set.add("esdb.node-preference");
		}
		return set;
	}

	@Override
	public String toString() {
		// Masks the password and the credentials a connection string or a host entry may carry.
		return "EsdbProperties[connectionString=" + ConnectionStrings.redact(this.connectionString) + ", hosts="
				+ this.hosts.stream().map(ConnectionStrings::redact).toList() + ", username=" + this.username
				+ ", password=" + ((this.password != null) ? ConnectionStrings.MASK : null) + "]";
	}

	/**
	 * Settings of the {@code esdb} health indicator.
	 */
	public static class Health {

		/**
		 * How long the health check waits for the server's answer before reporting DOWN.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
