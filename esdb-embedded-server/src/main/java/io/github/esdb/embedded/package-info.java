/** Embedded in-memory KurrentDB-compatible gRPC server. */
package io.github.esdb.embedded;
