/**
 * Checkpoint stores: in KurrentDB itself (the default), in memory, and in a relational table through JDBC (the one
 * that can write in a handler's transaction).
 */
@NullMarked
package io.github.esdb.subscription.checkpoint;

import org.jspecify.annotations.NullMarked;
