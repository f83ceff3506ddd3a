/**
 * Subscriptions as users declare and operate them: {@code @EventSubscription}, {@code @EventHandler}, {@code
 * NackException}, {@code EventContext}, the {@code SubscriptionRegistry}, checkpoints and the policies and
 * observers to plug in.
 */
@NullMarked
package io.github.esdb.subscription;

import org.jspecify.annotations.NullMarked;
