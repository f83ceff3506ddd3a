package io.github.esdb.autoconfigure;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where to connect to KurrentDB. Supplied from {@code esdb.*} properties by default, and by the embedded server,
 * Testcontainers or Docker Compose when they run the database.
 */
public interface EsdbConnectionDetails extends ConnectionDetails {

	/**
	 * The connection string in the official client's format, for example {@code kurrentdb://localhost:2113?tls=false}.
	 * Prefer leaving credentials out of it and returning them from {@link #getUsername()} and {@link #getPassword()}.
	 * @return the connection string
	 */
	String getConnectionString();

	/**
	 * The user name for basic authentication, or {@code null} to use what the connection string says.
	 * @return the user name
	 */
	default String getUsername() {
		return null;
	}

	/**
	 * The password for basic authentication, or {@code null} to use what the connection string says.
	 * @return the password
	 */
	default String getPassword() {
		return null;
	}

	/**
	 * Whether the connection leads to an in-memory server embedded in this JVM (for development and tests) rather
	 * than to a KurrentDB node; the {@code esdb} health details then say {@code embedded: true}.
	 * @return true for an embedded server
	 */
	default boolean isEmbedded() {
		return false;
	}

}
