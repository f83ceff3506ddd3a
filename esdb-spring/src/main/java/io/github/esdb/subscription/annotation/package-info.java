/**
 * Turns {@code @EventSubscription} beans into subscription endpoints: the bean post-processor and the handler-
 * method adapter.
 */
@NullMarked
package io.github.esdb.subscription.annotation;

import org.jspecify.annotations.NullMarked;
