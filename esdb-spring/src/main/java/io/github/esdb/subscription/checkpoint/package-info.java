/**
 * Checkpoint stores: in KurrentDB itself (the default) and in memory.
 */
@NullMarked
package io.github.esdb.subscription.checkpoint;

import org.jspecify.annotations.NullMarked;
