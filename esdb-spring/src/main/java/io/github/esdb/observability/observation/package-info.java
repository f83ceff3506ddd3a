/**
 * The Micrometer observation around each handler call, continuing the event's trace.
 */
@NullMarked
package io.github.esdb.observability.observation;

import org.jspecify.annotations.NullMarked;
