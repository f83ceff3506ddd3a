/**
 * Spring application events for subscription lifecycle steps.
 */
@NullMarked
package io.github.esdb.subscription.event;

import org.jspecify.annotations.NullMarked;
