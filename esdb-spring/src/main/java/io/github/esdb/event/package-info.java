/**
 * What the template and the subscriptions share, below both: the event envelope, the log position and the event
 * being handled on the current thread.
 */
@NullMarked
package io.github.esdb.event;

import org.jspecify.annotations.NullMarked;
