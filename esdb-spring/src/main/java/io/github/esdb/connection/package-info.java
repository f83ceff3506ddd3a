/**
 * The connection layer: {@link io.github.esdb.connection.KurrentDBClientProvider} holds the application's
 * {@code KurrentDBClient} and the clients that share its connection, and replaces them when the client has shut
 * itself down, so that every component that asks it on each use outlives a database outage.
 * {@link io.github.esdb.connection.ConnectionFailure} tells a misconfiguration (credentials, TLS) from other
 * errors, with the help of the {@link io.github.esdb.connection.ConnectionDiagnostics} interceptor for what the client
 * does not pass on.
 */
@NullMarked
package io.github.esdb.connection;

import org.jspecify.annotations.NullMarked;
