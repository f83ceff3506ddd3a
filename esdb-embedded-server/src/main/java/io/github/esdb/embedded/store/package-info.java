/**
 * The in-memory storage behind the embedded server: {@link io.github.esdb.embedded.store.EventStore} and its value
 * types. Other gRPC services (for example persistent subscriptions) build on this API.
 */
package io.github.esdb.embedded.store;
