/**
 * Persistent subscriptions (competing consumers) for the embedded server: the group engine over the
 * {@link io.github.esdb.embedded.store.EventStore}, its consumer strategies, checkpoints, parked messages and the
 * {@code event_store.client.persistent_subscriptions.PersistentSubscriptions} gRPC service.
 */
package io.github.esdb.embedded.persistent;
