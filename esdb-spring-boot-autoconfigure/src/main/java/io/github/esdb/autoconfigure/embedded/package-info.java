/**
 * Starts the embedded server when no connection is configured.
 */
@NullMarked
package io.github.esdb.autoconfigure.embedded;

import org.jspecify.annotations.NullMarked;
