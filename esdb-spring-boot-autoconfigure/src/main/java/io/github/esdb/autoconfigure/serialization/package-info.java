/**
 * Auto-configuration of event serialization ({@code esdb.serialization.*}).
 */
@NullMarked
package io.github.esdb.autoconfigure.serialization;

import org.jspecify.annotations.NullMarked;
