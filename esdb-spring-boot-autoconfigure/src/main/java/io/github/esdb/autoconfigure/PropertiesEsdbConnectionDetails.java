package io.github.esdb.autoconfigure;

import java.util.List;
import java.util.StringJoiner;

/**
 * {@link EsdbConnectionDetails} from {@link EsdbProperties}: the connection string as given, or one built from the
 * discrete endpoint properties.
 */
public class PropertiesEsdbConnectionDetails implements EsdbConnectionDetails {

	static final String EXAMPLE = "esdb.connection-string=kurrentdb://localhost:2113?tls=false";

	private final EsdbProperties properties;

	public PropertiesEsdbConnectionDetails(EsdbProperties properties) {
		this.properties = properties;
	}

	@Override
	public String getConnectionString() {
		String connectionString = this.properties.getConnectionString();
		List<String> endpointProperties = this.properties.endpointPropertiesSet();
		if (connectionString != null && !connectionString.isBlank()) {
			if (!endpointProperties.isEmpty()) {
				throw new InvalidEsdbConfigurationException("esdb.connection-string",
						"esdb.connection-string is set together with " + String.join(", ", endpointProperties)
								+ ", and both describe where to connect",
						"Keep either esdb.connection-string (for example " + EXAMPLE.substring(EXAMPLE.indexOf('=') + 1)
								+ ") or the discrete properties (for example esdb.hosts=localhost:2113 and esdb.tls=false), "
								+ "not both. Credentials (esdb.username, esdb.password) may be combined with either.");
			}
			return connectionString.trim();
		}
		return fromDiscreteProperties();
	}

	private String fromDiscreteProperties() {
		List<String> hosts = this.properties.getHosts().isEmpty() ? List.of("localhost:2113") : this.properties.getHosts();
		for (String host : hosts) {
			if (!host.matches("[^:/?#@\\s]+:\\d{1,5}")) {
				throw new InvalidEsdbConfigurationException("esdb.hosts",
						"'" + ConnectionStrings.redact(host) + "' is not a host:port entry",
						"esdb.hosts=node1:2113,node2:2113");
			}
		}
		boolean discover = Boolean.TRUE.equals(this.properties.getDiscover());
		StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
		if (this.properties.getTls() != null) {
			query.add("tls=" + this.properties.getTls());
		}
		if (this.properties.getTlsVerifyCert() != null) {
			query.add("tlsVerifyCert=" + this.properties.getTlsVerifyCert());
		}
		if (this.properties.getTlsCaFile() != null) {
			query.add("tlsCaFile=" + this.properties.getTlsCaFile());
		}
		if (this.properties.getNodePreference() != null) {
			query.add("nodePreference=" + this.properties.getNodePreference().name().toLowerCase().replace("_", ""));
		}
		return (discover ? "kurrentdb+discover://" : "kurrentdb://") + String.join(",", hosts) + query;
	}

	@Override
	public String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public String toString() {
		// Built from the properties as given, since getConnectionString() fails on a misconfiguration.
		String connectionString = this.properties.getConnectionString();
		String where = (connectionString != null) ? "connectionString=" + ConnectionStrings.redact(connectionString)
				: "hosts=" + this.properties.getHosts().stream().map(ConnectionStrings::redact).toList();
		return "PropertiesEsdbConnectionDetails[" + where + ", username=" + this.properties.getUsername()
				+ ", password=" + ((this.properties.getPassword() != null) ? ConnectionStrings.MASK : null) + "]";
	}

}
