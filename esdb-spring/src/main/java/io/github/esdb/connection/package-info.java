/**
 * The connection layer: {@link io.github.esdb.connection.KurrentDBClientProvider} holds the application's
 * {@code KurrentDBClient} and the clients that share its connection, and replaces them when the client has shut
 * itself down, so that every component that asks it on each use outlives a database outage.
 */
@NullMarked
package io.github.esdb.connection;

import org.jspecify.annotations.NullMarked;
