/**
 * Actuator support: the {@code esdbsubscriptions} endpoint, and the sanitizing function that keeps credentials out
 * of the {@code env} and {@code configprops} endpoints.
 */
@NullMarked
package io.github.esdb.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
