/**
 * Auto-configuration of subscriptions ({@code esdb.subscriptions.*}): registry, container factory, checkpoint
 * store, policies.
 */
@NullMarked
package io.github.esdb.autoconfigure.subscription;

import org.jspecify.annotations.NullMarked;
