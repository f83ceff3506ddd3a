/**
 * Auto-configuration of the official client from {@code esdb.*} properties or other connection details, with
 * start-up checks that name the property to fix.
 */
@NullMarked
package io.github.esdb.autoconfigure;

import org.jspecify.annotations.NullMarked;
