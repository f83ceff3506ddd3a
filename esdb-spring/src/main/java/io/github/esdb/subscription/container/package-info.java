/**
 * The default subscription containers, made of parts: the lifecycle and resubscription loop, a subscriber per
 * kind, the checkpoint committer, the error handler and the options mapper. Only {@code
 * DefaultSubscriptionContainerFactory} is public.
 */
@NullMarked
package io.github.esdb.subscription.container;

import org.jspecify.annotations.NullMarked;
