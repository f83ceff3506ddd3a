/**
 * Health indicators: the connection and every subscription.
 */
@NullMarked
package io.github.esdb.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
