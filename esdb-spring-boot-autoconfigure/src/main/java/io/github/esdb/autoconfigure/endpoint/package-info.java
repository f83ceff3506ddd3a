/**
 * The {@code esdbsubscriptions} actuator endpoint.
 */
@NullMarked
package io.github.esdb.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
