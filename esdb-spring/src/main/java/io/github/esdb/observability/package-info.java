/**
 * Watches every subscription: head, lag, stall watchdog and in-flight events, for health, metrics and the
 * endpoint.
 */
@NullMarked
package io.github.esdb.observability;

import org.jspecify.annotations.NullMarked;
