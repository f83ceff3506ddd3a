/**
 * Writes the current trace into appended events' metadata.
 */
@NullMarked
package io.github.esdb.observability.tracing;

import org.jspecify.annotations.NullMarked;
