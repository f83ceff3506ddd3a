/**
 * Auto-configuration of the subscription monitor, handler observations and trace propagation.
 */
@NullMarked
package io.github.esdb.autoconfigure.observability;

import org.jspecify.annotations.NullMarked;
