/**
 * Micrometer metrics of subscriptions and persistent groups.
 */
@NullMarked
package io.github.esdb.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
