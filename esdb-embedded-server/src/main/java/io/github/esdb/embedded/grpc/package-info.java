/**
 * The gRPC services of the embedded server (v1 Streams, v2 StreamsService, ServerFeatures, Gossip), the
 * authentication interceptor, and helpers ({@link io.github.esdb.embedded.grpc.Errors},
 * {@link io.github.esdb.embedded.grpc.Messages}) for services plugged in through
 * {@link io.github.esdb.embedded.ServiceFactory}.
 */
package io.github.esdb.embedded.grpc;
